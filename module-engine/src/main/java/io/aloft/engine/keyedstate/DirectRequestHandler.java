package io.aloft.engine.keyedstate;

import io.aloft.engine.metrics.LogHistogram;
import io.aloft.internal.TaskFuture;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.state.StateAccessException;
import io.aloft.state.StateFuture;

/** Runs each request at once on the caller's thread; its futures are complete when returned. */
public final class DirectRequestHandler implements RequestHandler {
  private final KeyedStateBackend backend;
  private final LogHistogram accessLatency;
  private long calls;

  /**
   * One call in {@code LATENCY_SAMPLE_MASK + 1} (16) is timed: two clock reads and a record cost about
   * as much as a heap state access, so timing each would slow the {@code hashmap} backend by a third.
   * Flink's state latency tracking samples too (one in 100 by default).
   */
  public static final int LATENCY_SAMPLE_MASK = 15;

  /** {@code accessLatency}: where sampled calls' durations are recorded (null: nowhere). */
  public DirectRequestHandler(KeyedStateBackend backend, LogHistogram accessLatency) {
    this.backend = backend;
    this.accessLatency = accessLatency;
  }

  @Override
  public <R> StateFuture<R> submit(TableRequest<R> request) {
    if (accessLatency == null || (++calls & LATENCY_SAMPLE_MASK) != 0) {
      request.runAlone(backend);
    } else {
      long start = System.nanoTime();
      request.runAlone(backend);
      accessLatency.record(System.nanoTime() - start, LATENCY_SAMPLE_MASK + 1); // stands for the 16
    }
    Throwable failure = request.failure();
    if (failure != null) {
      throw new StateAccessException(
          "state '" + request.stateId() + "': " + failure.getMessage(), failure);
    }
    return TaskFuture.completed(request.result());
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
