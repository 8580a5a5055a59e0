package io.aloft.engine.state;

import io.aloft.internal.TaskFuture;
import io.aloft.state.StateAccessException;
import io.aloft.state.StateFuture;
import java.io.IOException;

/** Runs each call immediately on the caller's thread; its futures are complete when returned. */
public final class DirectRequestHandler implements RequestHandler {
  public static final DirectRequestHandler INSTANCE = new DirectRequestHandler();

  private DirectRequestHandler() {}

  @Override
  public <R> StateFuture<R> submit(String stateId, RequestKind kind, IoCall<R> call) {
    try {
      return TaskFuture.completed(call.call());
    } catch (IOException e) {
      throw new StateAccessException("state '" + stateId + "': " + e.getMessage(), e);
    }
  }

  /**
   * The value of a future produced by composing calls of this handler only: such a future is complete
   * when returned.
   */
  public static <R> R await(StateFuture<R> future) {
    if (future instanceof TaskFuture<R> f && f.isDone()) {
      return f.valueIfDone();
    }
    throw new IllegalStateException(
        "a synchronous state call depended on an asynchronous one; this is a bug in the state layer");
  }
}
