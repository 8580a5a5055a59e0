package io.aloft.engine.checkpoint;

import java.io.IOException;

/** A checkpoint cannot be written or restored; the message names the checkpoint location. */
public final class CheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
