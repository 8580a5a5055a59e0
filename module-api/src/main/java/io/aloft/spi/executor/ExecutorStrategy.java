package io.aloft.spi.executor;

import java.util.concurrent.Executor;

/**
 * The threads that execute state requests: a coordinator that splits batches and dispatches them, and
 * executors for reads and writes. User callbacks never run here; the runtime hops them back to the task
 * thread.
 */
public interface ExecutorStrategy extends AutoCloseable {

  /** Runs the dispatch of batches. */
  Executor coordinator();

  /** Runs reads; may run up to the configured read parallelism tasks at once. */
  Executor readExecutor();

  /**
   * How many read tasks a batch's reads should be split into: the read pool's size for thread pools,
   * one per request where tasks are cheap (virtual threads), 1 when everything runs on the caller.
   */
  int readConcurrency();

  /** Runs writes. */
  Executor writeExecutor();

  /** Stops the threads; tasks already submitted finish first. */
  @Override
  void close();
}
