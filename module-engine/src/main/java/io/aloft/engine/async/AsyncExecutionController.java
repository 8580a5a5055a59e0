package io.aloft.engine.async;

import io.aloft.engine.state.CurrentRecord;
import io.aloft.engine.state.IoCall;
import io.aloft.engine.state.KeyContext;
import io.aloft.engine.state.RequestHandler;
import io.aloft.engine.state.RequestKind;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.executor.ExecutorStrategy;
import io.aloft.state.StateAccessException;
import io.aloft.state.StateFuture;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Aloft's asynchronous execution controller (Flink's AEC): keeps many records in flight while
 * preserving per-key order.
 *
 * <ul>
 *   <li>A key is owned by at most one in-flight record; later records (and timers) of that key wait
 *       in the key's queue and start, in arrival order, when it finishes.
 *   <li>State requests gather in the active buffer, which is sent to the {@link BatchRunner} when it
 *       holds {@code active-buffer-size} requests, when its oldest request has waited
 *       {@code active-buffer-timeout} (checked whenever the task thread enters the controller or waits
 *       in it), and whenever the task thread must wait.
 *   <li>At most {@code total-buffer-size} records are in flight (running or queued); a new record waits
 *       — processing completions meanwhile — until one finishes. Timers may overdraft the bound, so
 *       firing timers never deadlocks.
 *   <li>Completions come back through the mailbox and run on the task thread, with the current record
 *       switched to the request's record, so callbacks see their own key.
 * </ul>
 *
 * <p>Threading: everything here runs on the task thread except {@link Mailbox#post}.
 */
public final class AsyncExecutionController implements RequestHandler {

  /** User code run for a record: {@code processElement} or {@code onTimer}. */
  @FunctionalInterface
  public interface RecordBody {
    void run() throws Exception;
  }

  /** Receives failures of user code, callbacks and state access; the processor rethrows them. */
  @FunctionalInterface
  public interface FailureSink {
    void fail(Throwable failure);
  }

  private record Queued(RecordContext context, RecordBody body) {}

  private final int activeBufferSize;
  private final long activeBufferTimeoutNanos;
  private final int totalBufferSize;
  private final KeyContext keys;
  private final FailureSink failures;
  private final Mailbox mailbox = new Mailbox();
  private final BatchRunner runner;

  private List<StateRequest<?>> activeBuffer = new ArrayList<>();
  private long activeBufferSince;
  private RecordContext current;
  private int inFlightRecords;
  private int inFlightRequests;
  private int maxInFlightRecords;
  private long batchesSent;
  private final Set<ByteKey> busyKeys = new HashSet<>();
  private final Map<ByteKey, ArrayDeque<Queued>> waiting = new HashMap<>();

  public AsyncExecutionController(
      KeyedStateBackend backend,
      ExecutorStrategy executors,
      KeyContext keys,
      int activeBufferSize,
      long activeBufferTimeoutNanos,
      int totalBufferSize,
      FailureSink failures) {
    this.activeBufferSize = activeBufferSize;
    this.activeBufferTimeoutNanos = activeBufferTimeoutNanos;
    this.totalBufferSize = totalBufferSize;
    this.keys = keys;
    this.failures = failures;
    this.runner =
        new BatchRunner(backend, executors, done -> mailbox.post(() -> deliver(done)), mailbox::post);
  }

  // ------------------------------------------------------------------------------------ records

  /**
   * Starts {@code body} for {@code record} now, or queues it behind the in-flight record of the same
   * key. Unless {@code overdraft}, first waits while {@code total-buffer-size} records are in flight.
   */
  public void submitRecord(CurrentRecord record, RecordBody body, boolean overdraft) {
    runPosted();
    if (!overdraft) {
      while (inFlightRecords >= totalBufferSize) {
        waitForProgress();
      }
    }
    RecordContext context = new RecordContext(record);
    inFlightRecords++;
    maxInFlightRecords = Math.max(maxInFlightRecords, inFlightRecords);
    if (busyKeys.add(context.key)) {
      start(context, body);
    } else {
      waiting.computeIfAbsent(context.key, k -> new ArrayDeque<>()).add(new Queued(context, body));
    }
    flushIfDue();
  }

  private void start(RecordContext context, RecordBody body) {
    switchTo(context);
    context.retain(); // the body itself
    try {
      body.run();
    } catch (Throwable t) {
      failures.fail(t);
    } finally {
      release(context);
    }
  }

  private void release(RecordContext context) {
    if (!context.release()) {
      return;
    }
    inFlightRecords--;
    ArrayDeque<Queued> queue = waiting.get(context.key);
    if (queue == null) {
      busyKeys.remove(context.key);
      return;
    }
    Queued next = queue.poll();
    if (queue.isEmpty()) {
      waiting.remove(context.key);
    }
    // The key stays busy: it passes straight to the next record, started from the mailbox so that
    // long chains of one key do not grow the stack.
    mailbox.post(() -> start(next.context(), next.body()));
  }

  private void switchTo(RecordContext context) {
    current = context;
    keys.set(context.record);
  }

  // ------------------------------------------------------------------------------------ requests

  @Override
  public <R> StateFuture<R> submit(String stateId, RequestKind kind, IoCall<R> call) {
    RecordContext owner = current;
    if (owner == null || keys.currentOrNull() != owner.record) {
      throw new IllegalStateException(
          "state '" + stateId + "' was accessed outside the processing of a record or timer");
    }
    owner.retain();
    StateRequest<R> request = new StateRequest<>(stateId, kind, conflictKey(stateId, owner), call, owner);
    if (activeBuffer.isEmpty()) {
      activeBufferSince = System.nanoTime();
    }
    activeBuffer.add(request);
    inFlightRequests++;
    if (activeBuffer.size() >= activeBufferSize) {
      flush();
    }
    return request.future;
  }

  private static ByteKey conflictKey(String stateId, RecordContext owner) {
    byte[] id = stateId.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = owner.record.prefix();
    byte[] key = new byte[id.length + 1 + prefix.length];
    System.arraycopy(id, 0, key, 0, id.length);
    System.arraycopy(prefix, 0, key, id.length + 1, prefix.length);
    return new ByteKey(key);
  }

  /** Sends the active buffer as one batch. */
  public void flush() {
    if (activeBuffer.isEmpty()) {
      return;
    }
    List<StateRequest<?>> batch = activeBuffer;
    activeBuffer = new ArrayList<>(Math.min(activeBufferSize, 1024));
    batchesSent++;
    runner.dispatch(batch);
  }

  private void flushIfDue() {
    if (!activeBuffer.isEmpty() && System.nanoTime() - activeBufferSince >= activeBufferTimeoutNanos) {
      flush();
    }
  }

  /** Completes finished requests on the task thread, under their records. */
  private void deliver(List<StateRequest<?>> done) {
    for (StateRequest<?> request : done) {
      inFlightRequests--;
      complete(request);
    }
  }

  private <R> void complete(StateRequest<R> request) {
    switchTo(request.owner);
    try {
      Throwable failure = request.failure();
      if (failure != null) {
        failures.fail(
            new StateAccessException("state '" + request.stateId + "': " + failure.getMessage(), failure));
      } else {
        request.future.complete(request.result());
      }
    } catch (Throwable t) {
      failures.fail(t);
    } finally {
      release(request.owner);
    }
  }

  // ------------------------------------------------------------------------------------ waiting

  /** Runs completions already posted, without waiting. */
  public void runPosted() {
    mailbox.runPosted();
  }

  /** Sends what is buffered and runs completions until every record in flight has finished. */
  public void drain() {
    while (inFlightRecords > 0 || inFlightRequests > 0) {
      waitForProgress();
    }
  }

  /**
   * Finishes every request issued so far (and what their callbacks issue), keeping the current record:
   * a synchronous state call then sees every earlier asynchronous effect.
   */
  public void quiesceRequests() {
    RecordContext caller = current;
    CurrentRecord callerRecord = keys.currentOrNull();
    while (inFlightRequests > 0) {
      waitForProgress();
    }
    current = caller;
    keys.set(callerRecord);
  }

  private void waitForProgress() {
    flush();
    try {
      mailbox.runWithin(Math.min(activeBufferTimeoutNanos, 50_000_000L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("interrupted while waiting for state"));
    }
  }

  // ------------------------------------------------------------------------------------ metrics

  public int inFlightRecords() {
    return inFlightRecords;
  }

  /** The most records ever in flight at once (for tests of the bound). */
  public int maxInFlightRecords() {
    return maxInFlightRecords;
  }

  public long batchesSent() {
    return batchesSent;
  }
}
