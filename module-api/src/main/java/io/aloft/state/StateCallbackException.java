package io.aloft.state;

/**
 * Carries a checked exception thrown by a {@link StateFuture} callback or a state function (a
 * {@link ReduceFunction}, say) out of the runtime. The processor call that ran the callback fails with
 * it (or with a wrapper whose cause chain contains it).
 */
public final class StateCallbackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StateCallbackException(Exception cause) {
    super("state callback failed: " + cause, cause);
  }
}
