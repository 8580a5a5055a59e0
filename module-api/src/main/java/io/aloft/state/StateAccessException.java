package io.aloft.state;

/**
 * A state backend could not serve a request — for example the store holding the state failed. The
 * message names the state; the cause is the backend's error.
 */
public final class StateAccessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StateAccessException(String message, Throwable cause) {
    super(message, cause);
  }
}
