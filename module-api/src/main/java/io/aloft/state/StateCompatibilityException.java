package io.aloft.state;

/**
 * A state was registered (or restored) with a kind or serializers that differ from those it was
 * created with. Reading it would return garbage, so Aloft refuses.
 */
public final class StateCompatibilityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StateCompatibilityException(String message) {
    super(message);
  }
}
