package io.aloft.serde;

/** A value could not be serialized or deserialized; the message names the serializer. */
public final class SerializationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SerializationException(String message, Throwable cause) {
    super(message, cause);
  }

  public SerializationException(String message) {
    super(message);
  }
}
