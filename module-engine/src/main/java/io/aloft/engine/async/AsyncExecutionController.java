package io.aloft.engine.async;

import io.aloft.engine.keyedstate.CurrentRecord;
import io.aloft.engine.keyedstate.KeyContext;
import io.aloft.engine.keyedstate.RequestHandler;
import io.aloft.engine.keyedstate.TableRequest;
import io.aloft.internal.CallbackOrder;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.executor.ExecutorStrategy;
import io.aloft.state.StateAccessException;
import io.aloft.state.StateFuture;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import io.aloft.engine.keyedstate.DirectRequestHandler;
import io.aloft.engine.metrics.LogHistogram;
import io.aloft.engine.metrics.MetricCatalog;
import io.aloft.engine.metrics.Registry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Aloft's asynchronous execution controller (Flink's AEC): keeps many records in flight while every
 * record sees exactly what a synchronous execution would have shown it.
 *
 * <h2>Records</h2>
 *
 * <ul>
 *   <li>A key is owned by at most one in-flight record; later records (and timers) of that key wait
 *       in the key's queue and start, in arrival order, when it finishes.
 *   <li>At most {@code total-buffer-size} records are in flight (running or queued); a new record waits
 *       — processing completions meanwhile — until one finishes. Timers may overdraft the bound, so
 *       firing timers never deadlocks.
 * </ul>
 *
 * <h2>Order within a record</h2>
 *
 * A record's state requests and callbacks form a tree of {@link Scope}s: the body's scope holds what
 * the body issued and attached, each callback's scope what that callback issued and attached. Its
 * pre-order is the order of a synchronous execution. The controller carries it out in that order:
 *
 * <ul>
 *   <li>a request is dispatched when everything before it is settled (requests dispatched, callbacks
 *       run), so requests of a key reach the backend in order, and the {@link BatchRunner} keeps that
 *       order for requests of one state and key within and across batches;
 *   <li>a callback runs when its future has completed and everything before it is settled, so a
 *       read-modify-write (a reducing {@code add} is a read whose callback writes) finishes issuing its
 *       write before any later request of the record is dispatched, and callbacks of a record run in
 *       the order they were attached;
 *   <li>requests that follow one another without a callback in between share batches; requests of
 *       different records always may.
 * </ul>
 *
 * A synchronous state call waits only for what comes before it in its own record's order (its key's
 * earlier requests and callbacks), running those callbacks itself if it must; callbacks of other
 * records wait until it returns. So it never waits for itself, at any nesting depth. A wait that can
 * make no progress — no request anywhere is executing and nothing it waits for can complete — fails
 * with an {@link IllegalStateException} instead of hanging.
 *
 * <h2>Batches</h2>
 *
 * Dispatched requests gather in the active buffer, which is sent to the {@link BatchRunner} when it
 * holds {@code active-buffer-size} requests, when its oldest request has waited {@code
 * active-buffer-timeout} (checked whenever the task thread enters the controller or waits in it), and
 * whenever the task thread must wait. Completions come back through the {@link Mailbox}.
 *
 * <p>Threading: everything here runs on the task thread except {@link Mailbox#post}.
 */
public final class AsyncExecutionController implements RequestHandler, CallbackOrder {

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

  /** {@link #frontier}'s answer when the next thing in a record's order is a callback still waiting. */
  private static final Scope BLOCKED = new Scope(null, Scope.State.ATTACHED);

  private final int activeBufferSize;
  private final long activeBufferTimeoutNanos;
  private final int totalBufferSize;
  private final KeyContext keys;
  private final FailureSink failures;
  private final Mailbox mailbox = new Mailbox();
  private final BatchRunner runner;

  private List<StateRequest<?>> activeBuffer = new ArrayList<>();
  private long activeBufferSince;
  /** The record whose user code (body or callback) runs now, and the scope it issues into. */
  private RecordContext current;
  private Scope scope;
  private int inFlightRecords;
  /** Requests dispatched (buffered or sent to the runner) and not yet delivered, over all records. */
  private int dispatchedRequests;
  private int maxInFlightRecords;
  private long batchesSent;
  private boolean failed;
  /** Records queued in {@link #waiting}, all keys together. */
  private int waitingRecords;
  /** The metrics the controller records into; set by {@link #metrics}. Task thread. */
  private LogHistogram accessLatency;
  /** Requests issued, for sampling their latency as the direct handler does. */
  private long requestsIssued;
  private LogHistogram batchSizes;
  private LogHistogram keyQueueDepths;
  private final Set<ByteKey> busyKeys = new HashSet<>();
  private final Map<ByteKey, ArrayDeque<Queued>> waiting = new HashMap<>();
  /** Records with something to carry out (a ready callback, a delivered request); top level only. */
  private final ArrayDeque<RecordContext> runnable = new ArrayDeque<>();
  /** Records whose key became free, to start at the top level (so long chains do not grow the stack). */
  private final ArrayDeque<Queued> starts = new ArrayDeque<>();

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
    this.failures =
        t -> {
          failed = true;
          failures.fail(t);
        };
    this.runner =
        new BatchRunner(
            backend,
            executors,
            done -> mailbox.post(() -> deliver(done)),
            mailbox::post,
            t ->
                this.failures.fail(
                    new StateAccessException("a batch of state requests failed: " + t, t)));
  }

  // ------------------------------------------------------------------------------------ records

  /**
   * Starts {@code body} for {@code record} now, or queues it behind the in-flight record of the same
   * key. Unless {@code overdraft}, first waits while {@code total-buffer-size} records are in flight.
   */
  public void submitRecord(CurrentRecord record, RecordBody body, boolean overdraft) {
    runPosted();
    if (!overdraft) {
      while (inFlightRecords >= totalBufferSize && !failed) {
        waitForProgress();
      }
    }
    RecordContext context = new RecordContext(record);
    inFlightRecords++;
    maxInFlightRecords = Math.max(maxInFlightRecords, inFlightRecords);
    if (busyKeys.add(context.key)) {
      start(context, body);
    } else {
      ArrayDeque<Queued> queue = waiting.computeIfAbsent(context.key, k -> new ArrayDeque<>());
      if (keyQueueDepths != null) {
        keyQueueDepths.record(queue.size());
      }
      queue.add(new Queued(context, body));
      waitingRecords++;
    }
    flushIfDue();
  }

  private void start(RecordContext r, RecordBody body) {
    r.root.state = Scope.State.RUNNING;
    runAs(r, r.root, body);
    r.root.state = Scope.State.DONE;
    advance(r);
  }

  /**
   * Runs {@code work} as record {@code r}, issuing into {@code into} (null: plumbing, which may issue
   * nothing), then switches back to whoever ran before; a failure fails the processor.
   */
  private void runAs(RecordContext r, Scope into, RecordBody work) {
    RecordContext outerRecord = current;
    Scope outerScope = scope;
    CurrentRecord outerKey = keys.currentOrNull();
    current = r;
    scope = into;
    keys.set(r.record);
    try {
      work.run();
    } catch (Throwable t) {
      failures.fail(t);
    } finally {
      current = outerRecord;
      scope = outerScope;
      keys.set(outerKey);
    }
  }

  /** Carries out what the record's order allows (dispatches, runs ready callbacks); finishes it if done. */
  private void advance(RecordContext r) {
    Scope next;
    while ((next = frontier(r)) != null && next.state == Scope.State.READY) {
      runCallback(next);
    }
    if (next == null && r.inFlightRequests == 0 && !r.finished) {
      finish(r);
    }
  }

  private void finish(RecordContext r) {
    r.finished = true;
    inFlightRecords--;
    ArrayDeque<Queued> queue = waiting.get(r.key);
    if (queue == null) {
      busyKeys.remove(r.key);
      return;
    }
    Queued next = queue.poll();
    waitingRecords--;
    if (queue.isEmpty()) {
      waiting.remove(r.key);
    }
    starts.add(next); // the key stays busy: it passes straight to the next record
  }

  /**
   * Moves the record's frontier forward, dispatching each request it passes. Returns the callback at
   * the frontier if it is ready to run; {@link #BLOCKED} if it waits for its future; the running scope
   * whose last child the frontier reached; or null once the body and everything it led to are settled.
   */
  private Scope frontier(RecordContext r) {
    ArrayDeque<Scope> path = r.path;
    while (true) {
      Scope s = path.peekLast();
      ArrayList<Object> children = s.children;
      if (s.settled < children.size()) {
        Object child = children.get(s.settled);
        if (child instanceof StateRequest<?> request) {
          children.set(s.settled++, null);
          dispatch(request);
          continue;
        }
        Scope c = (Scope) child;
        switch (c.state) {
          case ATTACHED:
            return BLOCKED;
          case READY:
            return c;
          default: // RUNNING or DONE: what it issued comes before its later siblings
            path.addLast(c);
            continue;
        }
      }
      if (s.state == Scope.State.RUNNING) {
        return s; // it may issue more; nothing after it may go yet
      }
      if (path.size() == 1) {
        return null; // the root, done, with everything settled
      }
      path.removeLast();
      Scope parent = path.peekLast();
      parent.children.set(parent.settled++, null);
    }
  }

  private void runCallback(Scope c) {
    Runnable callback = c.callback;
    c.callback = null;
    c.state = Scope.State.RUNNING;
    runAs(c.record, c, callback::run);
    c.state = Scope.State.DONE;
  }

  // ------------------------------------------------------------------------------------ callbacks

  @Override
  public Object attach() {
    if (scope == null) {
      return null; // not inside user code of a record: nothing to order against
    }
    Scope place = new Scope(current, Scope.State.ATTACHED);
    scope.children.add(place);
    return place;
  }

  @Override
  public void ready(Object place, Runnable callback) {
    Scope s = (Scope) place;
    s.callback = callback;
    s.state = Scope.State.READY;
    enqueue(s.record);
  }

  private void enqueue(RecordContext r) {
    if (!r.queued) {
      r.queued = true;
      runnable.add(r);
    }
  }

  // ------------------------------------------------------------------------------------ requests

  @Override
  public <R> StateFuture<R> submit(TableRequest<R> tableRequest) {
    String stateId = tableRequest.stateId();
    RecordContext owner = current;
    if (owner == null || scope == null || keys.currentOrNull() != owner.record) {
      throw new IllegalStateException(
          "state '" + stateId + "' was accessed outside the processing of a record or timer");
    }
    StateRequest<R> request =
        new StateRequest<>(
            tableRequest, conflictKey(stateId, owner), owner, this,
            accessLatency != null && (++requestsIssued & DirectRequestHandler.LATENCY_SAMPLE_MASK) == 0);
    scope.children.add(request);
    frontier(owner); // dispatches it at once if its turn has come
    return request.future;
  }

  private void dispatch(StateRequest<?> request) {
    if (activeBuffer.isEmpty()) {
      activeBufferSince = System.nanoTime();
    }
    activeBuffer.add(request);
    dispatchedRequests++;
    request.owner.inFlightRequests++;
    if (activeBuffer.size() >= activeBufferSize) {
      flush();
    }
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
    if (batchSizes != null) {
      batchSizes.record(batch.size());
    }
    runner.dispatch(batch);
  }

  private void flushIfDue() {
    if (!activeBuffer.isEmpty() && System.nanoTime() - activeBufferSince >= activeBufferTimeoutNanos) {
      flush();
    }
  }

  /**
   * Completes finished requests on the task thread. Completing a future runs no user code: its
   * callbacks become ready and run when their record's order reaches them.
   */
  private void deliver(List<StateRequest<?>> done) {
    long now = 0;
    for (StateRequest<?> request : done) {
      if (request.issuedNanos != 0) {
        now = now == 0 ? System.nanoTime() : now;
        accessLatency.record(now - request.issuedNanos, DirectRequestHandler.LATENCY_SAMPLE_MASK + 1);
      }
      dispatchedRequests--;
      request.owner.inFlightRequests--;
      complete(request);
      enqueue(request.owner);
    }
  }

  private <R> void complete(StateRequest<R> request) {
    Throwable failure = request.request.failure();
    if (failure != null) {
      failures.fail(
          new StateAccessException(
              "state '" + request.request.stateId() + "': " + failure.getMessage(), failure));
      return;
    }
    // Only plumbing runs here (callbacks wait for their turn), so it issues into no scope.
    runAs(request.owner, null, () -> request.future.complete(request.request.result()));
  }

  // ------------------------------------------------------------------------------------ waiting

  /**
   * Runs what is ready without waiting: delivered requests, callbacks whose turn came, records whose
   * key became free. Top level only (not from inside user code).
   */
  public void runPosted() {
    runReady();
  }

  private boolean runReady() {
    boolean progressed = false;
    while (true) {
      if (mailbox.runPosted()) {
        progressed = true;
      }
      RecordContext r = runnable.poll();
      if (r != null) {
        r.queued = false;
        advance(r);
        progressed = true;
        continue;
      }
      Queued next = starts.poll();
      if (next != null) {
        start(next.context(), next.body());
        progressed = true;
        continue;
      }
      if (mailbox.isEmpty()) {
        return progressed;
      }
    }
  }

  /** Sends what is buffered and runs completions until every record in flight has finished. */
  public void drain() {
    while ((inFlightRecords > 0 || dispatchedRequests > 0) && !failed) {
      waitForProgress();
    }
  }

  private void waitForProgress() {
    if (runReady()) {
      return;
    }
    flush();
    if (runReady()) {
      return;
    }
    if (dispatchedRequests == 0 && mailbox.isEmpty() && !failed) {
      throw new IllegalStateException(
          inFlightRecords
              + " record(s) in flight wait for callbacks whose futures can never complete (no state"
              + " request is executing)");
    }
    awaitMail();
  }

  private void awaitMail() {
    try {
      mailbox.runWithin(Math.min(activeBufferTimeoutNanos, 50_000_000L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("interrupted while waiting for state"));
    }
  }

  /**
   * Called before a synchronous state call: waits until everything before the call in its record's
   * order is done — earlier requests delivered, earlier callbacks run (this method runs them) — so the
   * call sees every effect a synchronous execution would have shown it. Runs no other record's
   * callbacks. Outside a record's processing there is nothing to wait for.
   *
   * @throws IllegalStateException if the wait cannot make progress, or the processor failed meanwhile
   */
  public void awaitTurn(String stateId) {
    RecordContext r = current;
    Scope at = scope;
    if (r == null || at == null) {
      return;
    }
    while (true) {
      mailbox.runPosted();
      Scope next = frontier(r);
      if (next != null && next.state == Scope.State.READY) {
        runCallback(next);
        continue;
      }
      // Everything dispatched comes before the call; what waits for its turn comes after it.
      if (next == at && r.inFlightRequests == 0) {
        return;
      }
      if (failed) {
        throw new IllegalStateException(
            "a synchronous call on state '" + stateId + "' was abandoned: the processor failed while it"
                + " waited for earlier requests of key '" + r.record.key() + "'");
      }
      flush();
      if (dispatchedRequests == 0 && mailbox.isEmpty()) {
        throw new IllegalStateException(
            "a synchronous call on state '" + stateId + "' for key '" + r.record.key() + "' waits for"
                + " a callback attached before it whose future can never complete; chain the call"
                + " onto that future instead (thenCompose / thenAccept)");
      }
      awaitMail();
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

  /**
   * Registers the controller's metrics in {@code registry}: its gauges (read from any thread: plain
   * fields, a moment stale at worst) and the histograms it records into on the task thread; the
   * latency of each request, from its issue to its result's delivery, goes to {@code accessLatency}.
   */
  public void metrics(Registry registry, LogHistogram accessLatency) {
    registry.gauge(MetricCatalog.IN_FLIGHT, () -> inFlightRecords);
    registry.gauge(MetricCatalog.MAX_IN_FLIGHT, () -> maxInFlightRecords);
    registry.gauge(MetricCatalog.ACTIVE_BUFFER, () -> activeBuffer.size());
    registry.gauge(MetricCatalog.WAITING_RECORDS, () -> waitingRecords);
    registry.gauge(MetricCatalog.BLOCKED_KEYS, waiting::size);
    registry.counter(MetricCatalog.BATCHES, () -> batchesSent);
    batchSizes = registry.histogram(MetricCatalog.BATCH_SIZE);
    keyQueueDepths = registry.histogram(MetricCatalog.KEY_QUEUE_DEPTH);
    this.accessLatency = accessLatency;
  }
}
