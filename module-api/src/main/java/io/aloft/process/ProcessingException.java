package io.aloft.process;

/**
 * The user function, one of its state callbacks, or a state access failed while a processor was
 * running. The message says which record or timer; the cause is the original failure. After it the
 * processor is failed: later calls throw again.
 */
public final class ProcessingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProcessingException(String message, Throwable cause) {
    super(message, cause);
  }
}
