package io.aloft.engine.keyedstate;

import io.aloft.state.StateFuture;

/**
 * Executes state requests and completes their futures on the task thread.
 *
 * <p>Every state operation is written once, as a composition of {@link TableRequest}s submitted here;
 * the runtime chooses the handler. The {@link DirectRequestHandler} runs each request at once on the
 * calling (task) thread, which is how the synchronous State methods work and how the whole runtime works
 * for backends that answer at once; the asynchronous execution controller batches them.
 */
public interface RequestHandler {

  /**
   * Executes {@code request} under the current record's key. Its failure fails the processor with a
   * {@link io.aloft.state.StateAccessException} naming the state.
   */
  <R> StateFuture<R> submit(TableRequest<R> request);
}
