package io.aloft.engine.state;

import io.aloft.state.StateFuture;

/**
 * Executes the storage operations of state requests and completes their futures on the task thread.
 *
 * <p>Every state operation is written once, as a composition of {@link #submit} calls; the runtime
 * chooses the handler. The {@link DirectRequestHandler} runs each call at once on the calling (task)
 * thread, which is how the synchronous State methods work and how the whole runtime works until the
 * asynchronous execution controller takes over.
 */
public interface RequestHandler {

  /**
   * Executes {@code call} for state {@code stateId} under the current record's key. Failures of the
   * call fail the processor with a {@link io.aloft.state.StateAccessException} naming the state.
   */
  <R> StateFuture<R> submit(String stateId, RequestKind kind, IoCall<R> call);
}
