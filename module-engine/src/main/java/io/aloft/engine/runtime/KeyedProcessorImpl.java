package io.aloft.engine.runtime;

import io.aloft.process.KeyGroups;

import io.aloft.config.AloftOptions;
import io.aloft.config.ConfigException;
import io.aloft.engine.async.AsyncExecutionController;
import io.aloft.engine.checkpoint.CheckpointStore;
import io.aloft.engine.checkpoint.InstanceCheckpoint;
import io.aloft.process.Checkpoint;
import io.aloft.spi.backend.SnapshotRequest;
import io.aloft.spi.backend.SnapshotResult;
import io.aloft.spi.fs.FileSystems;
import io.aloft.spi.fs.Location;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.aloft.engine.keyedstate.Bytes;
import io.aloft.engine.keyedstate.CurrentRecord;
import io.aloft.engine.keyedstate.DirectRequestHandler;
import io.aloft.engine.keyedstate.KeyContext;
import io.aloft.engine.keyedstate.RequestHandler;
import io.aloft.engine.keyedstate.StateRegistry;
import io.aloft.process.KeySelector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.Output;
import io.aloft.process.ProcessingException;
import io.aloft.process.StateContext;
import io.aloft.process.NamespacedTimers;
import io.aloft.state.StateAccessException;
import io.aloft.process.TimeDomain;
import io.aloft.process.TimerService;
import io.aloft.serde.Serializer;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.TableSpec;
import io.aloft.state.StateDescriptor;
import io.aloft.spi.executor.ExecutorStrategy;
import io.aloft.state.AggregatingState;
import io.aloft.state.AggregatingStateDescriptor;
import io.aloft.state.ListState;
import io.aloft.state.ListStateDescriptor;
import io.aloft.state.MapState;
import io.aloft.state.NamespacedState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.ReducingState;
import io.aloft.state.ReducingStateDescriptor;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Runs one instance of a {@link KeyedProcessFunction} on its task thread: sets the current key for
 * each record and timer, fires event-time timers on watermarks, and routes state requests to the
 * backend.
 *
 * <p>For backends that prefer asynchronous execution ({@code forst}) state requests go through the
 * {@link AsyncExecutionController}: batched, many records in flight, per-key order kept. For the others
 * they run directly on the task thread and every future is complete when returned.
 *
 * <p>Threading: every field is owned by the task thread, the thread that built the processor.
 */
public final class KeyedProcessorImpl<K, IN, OUT> implements KeyedProcessor<K, IN, OUT> {
  private final String name;
  private final KeyedProcessFunction<K, IN, OUT> function;
  private final KeySelector<IN, K> keySelector;
  private final Serializer<K> keySerializer;
  private final Output<OUT> output;
  private final KeyedStateBackend backend;
  private final ProcessorMetrics metrics;
  private final int maxParallelism;
  private final KeyGroupRange keyGroupRange;
  /** The input position of the checkpoint restored from, or {@link InstanceCheckpoint#NO_POSITION}. */
  private final long restoredInputPosition;
  private final int subtaskIndex;
  private final int parallelism;
  private final InstantSource clock;
  private final Thread taskThread;

  private final KeyContext keys = new KeyContext();
  private final TimerStore<K> timers;
  private final TimerStore<K> processingTimers;
  /** The clock of the timer whose onTimer runs now; null otherwise. Task thread. */
  private TimeDomain firing;
  /** The namespace of the namespaced timer whose onTimer runs now; null otherwise. Task thread. */
  private Object firingNamespace;
  /** Whether the backend was restored: timer tables may hold timers. */
  private final boolean restoredState;
  /** The timers per namespace, once the function asked for them in open(); else null. Task thread. */
  private NamespaceTimers<?> namespaceTimers;
  private final Context context = new Context();
  private final StateRegistry states;
  private final ExecutorStrategy executors; // null: direct execution
  private final CheckpointSettings checkpoints;
  private final AsyncExecutionController aec; // null: direct execution
  private long watermark = Long.MIN_VALUE;
  /** The driving call in progress (processElement, processWatermark, …), or null. */
  private String activeCall;
  private RuntimeException failure;
  private boolean failureThrown;
  private boolean closed;

  /**
   * Everything a processor is built from; validated by the builder. {@code executors} is null when
   * the backend runs requests directly.
   */
  public record Setup<K, IN, OUT>(
      String name,
      KeyedProcessFunction<K, IN, OUT> function,
      KeySelector<IN, K> keySelector,
      Serializer<K> keySerializer,
      Output<OUT> output,
      KeyedStateBackend backend,
      int maxParallelism,
      int subtaskIndex,
      int parallelism,
      InstantSource clock,
      ExecutorStrategy executors,
      AsyncSettings async,
      CheckpointSettings checkpoints,
      Restore restore,
      MetricsSettings metrics) {}

  /**
   * How the instance's metrics start: whether to publish them as a JMX MBean, and what its restore
   * took.
   *
   * @param restoreMillis time the restore took, 0 when the instance did not restore
   * @param restoreBytes bytes of the files the restored parts list
   */
  public record MetricsSettings(boolean jmx, long restoreMillis, long restoreBytes) {}

  /**
   * Where and how this instance checkpoints.
   *
   * @param root {@code execution.checkpointing.dir}, or null when unset (checkpoints then fail)
   * @param store this run's share of the root (retention, leases, fencing); null when root is null
   */
  public record CheckpointSettings(
      Location root, boolean incremental, CheckpointStore store, FileSystems fileSystems, String backendType) {}

  /**
   * What a restore hands the processor itself: state formats to check, timers to re-register, the input
   * position the checkpoint recorded ({@link InstanceCheckpoint#NO_POSITION}: none).
   */
  public record Restore(
      Map<String, String> stateFormats, List<InstanceCheckpoint.Timer> timers, long inputPosition) {
    public static final Restore NONE = new Restore(Map.of(), List.of(), InstanceCheckpoint.NO_POSITION);
  }

  /** The {@code execution.async-state.*} settings. */
  public record AsyncSettings(int activeBufferSize, long activeBufferTimeoutNanos, int totalBufferSize) {}

  /** Creates the processor and opens its function on the calling thread, which becomes the task thread. */
  public KeyedProcessorImpl(Setup<K, IN, OUT> setup) {
    this.name = setup.name();
    this.restoredInputPosition = setup.restore().inputPosition();
    this.restoredState = setup.restore() != Restore.NONE;
    this.function = setup.function();
    this.keySelector = setup.keySelector();
    this.keySerializer = setup.keySerializer();
    this.output = setup.output();
    this.backend = setup.backend();
    this.maxParallelism = setup.maxParallelism();
    this.subtaskIndex = setup.subtaskIndex();
    this.parallelism = setup.parallelism();
    this.keyGroupRange =
        KeyGroupRange.forInstance(maxParallelism, parallelism, subtaskIndex);
    this.clock = setup.clock();
    this.taskThread = Thread.currentThread();
    this.executors = setup.executors();
    this.checkpoints = setup.checkpoints();
    try {
      java.util.function.Function<byte[], K> keyOf = bytes -> Bytes.deserialize(keySerializer, bytes, 0, bytes.length);
      this.timers =
          new TimerStore<>(
              backend.table(
                  new TableSpec(TimerStore.TABLE, StateDescriptor.Kind.VALUE, java.util.Optional.empty())),
              keyGroupRange,
              setup.restore() != Restore.NONE,
              keyOf);
      this.processingTimers =
          new TimerStore<>(
              backend.table(
                  new TableSpec(
                      TimerStore.PROCESSING_TIME_TABLE, StateDescriptor.Kind.VALUE, java.util.Optional.empty())),
              keyGroupRange,
              setup.restore() != Restore.NONE,
              keyOf);
      // Parts written before timers lived in the backend carry them: they move into the backend now.
      for (InstanceCheckpoint.Timer t : setup.restore().timers()) {
        if (keyGroupRange.contains(t.keyGroup())) {
          timers.register(
              new TimerStore.Timer<>(t.timestamp(), t.keyBytes(), t.keyGroup(), keyOf.apply(t.keyBytes())));
        }
      }
    } catch (IOException | RuntimeException e) {
      closeResourcesQuietly(e);
      throw new ProcessingException(name + ": cannot open its timers: " + e, e);
    }
    // Until open() the processor owns the backend, timers and lease: a failure here releases them.
    try {
      String suffix = "-" + subtaskIndex + "of" + parallelism;
      this.metrics =
          new ProcessorMetrics(
              name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : name,
              subtaskIndex + "of" + parallelism,
              setup.metrics(),
              backend,
              checkpoints.store());
      RequestHandler direct = new DirectRequestHandler(backend, metrics.accessLatency());
      if (executors != null) {
        AsyncSettings a = setup.async();
        this.aec =
            new AsyncExecutionController(
                backend,
                executors,
                keys,
                a.activeBufferSize(),
                a.activeBufferTimeoutNanos(),
                a.totalBufferSize(),
                this::failed);
        metrics.async(aec);
        this.states =
            new StateRegistry(backend, keys, () -> aec, direct, clock, aec::awaitTurn, setup.restore().stateFormats());
      } else {
        this.aec = null;
        this.states = new StateRegistry(backend, keys, () -> direct, direct, clock, id -> {}, setup.restore().stateFormats());
      }
    } catch (RuntimeException | Error e) {
      closeResourcesQuietly(e);
      throw e;
    }
    try {
      function.open(new OpenContext());
    } catch (Exception e) {
      closeResourcesQuietly(e);
      throw new ProcessingException(name + ": open() failed: " + e, e);
    } catch (Error e) {
      closeResourcesQuietly(e);
      throw e;
    }
  }

  @Override
  public void processElement(IN record) {
    driving("processElement", () -> process(record, null));
  }

  @Override
  public void processElement(IN record, long timestamp) {
    driving("processElement", () -> process(record, timestamp));
  }

  /**
   * {@link #processElement} for a record a {@link KeyedJobImpl} routed here: its key selected,
   * serialized and grouped once, by the router. {@code timestamp} null: none.
   */
  void processRouted(IN record, K key, byte[] keyBytes, int keyGroup, Long timestamp) {
    driving(
        "processElement",
        () -> {
          checkRunning();
          Objects.requireNonNull(record, "record");
          processOwned(
              record,
              ownedRecord(
                  key,
                  keyBytes,
                  keyGroup,
                  timestamp,
                  group ->
                      name + ": key '" + key + "' is in key group " + group + ", outside this instance's range "
                          + keyGroupRange + " (routed by a job to the wrong subtask)"));
        });
  }

  /**
   * Runs a driving call. The processor is not re-entrant: a call made from inside its own function or
   * callbacks would run other records in the middle of one, so it is refused.
   */
  private <T> T driving(String method, java.util.function.Supplier<T> call) {
    checkThread();
    if (activeCall != null) {
      throw new IllegalStateException(
          name + ": " + method + "() was called from inside " + activeCall + "() of the same processor"
              + " (from its function or a state callback); drive the processor from outside its own"
              + " user code");
    }
    activeCall = method;
    try {
      return call.get();
    } finally {
      activeCall = null;
    }
  }

  private void driving(String method, Runnable call) {
    driving(
        method,
        () -> {
          call.run();
          return null;
        });
  }

  private void process(IN record, Long timestamp) {
    checkRunning();
    Objects.requireNonNull(record, "record");
    K key;
    try {
      key = keySelector.getKey(record);
    } catch (Exception e) {
      throw fail(new ProcessingException(name + ": the key selector failed on " + record, e));
    }
    if (key == null) {
      throw fail(new ProcessingException(
          name + ": the key selector returned null for " + record, new NullPointerException("key")));
    }
    processOwned(
        record,
        ownedRecord(
            key,
            timestamp,
            keyGroup ->
                name + ": key '" + key + "' is in key group " + keyGroup + ", outside this instance's range "
                    + keyGroupRange + "; route each record to the instance KeyGroups.subtaskOf names, or run a"
                    + " KeyedJob"));
  }

  /** Runs the function on {@code record} under its key. */
  private void processOwned(IN record, CurrentRecord current) {
    metrics.recordIn();
    run(current, () -> function.processElement(record, context, output), false);
    runDeferred();
  }

  /**
   * The record of {@code key}, which must be in this instance's key groups; {@code refusal} words the
   * error for a key group it does not own.
   */
  private CurrentRecord ownedRecord(K key, Long timestamp, java.util.function.IntFunction<String> refusal) {
    byte[] keyBytes = Bytes.serialize(keySerializer, key);
    return ownedRecord(key, keyBytes, KeyGroups.keyGroupOf(keyBytes, maxParallelism), timestamp, refusal);
  }

  /** {@link #ownedRecord(Object, Long, java.util.function.IntFunction)} of a key serialized and grouped. */
  private CurrentRecord ownedRecord(
      K key, byte[] keyBytes, int keyGroup, Long timestamp, java.util.function.IntFunction<String> refusal) {
    if (!keyGroupRange.contains(keyGroup)) {
      throw new IllegalArgumentException(refusal.apply(keyGroup));
    }
    return CurrentRecord.of(key, keyBytes, keyGroup, timestamp);
  }

  /** Runs a hook of the function at top level (no current key), then what it asked to run under keys. */
  private void hook(AsyncExecutionController.RecordBody body) {
    keys.set(null); // a hook has no current key: timers and states need processWithKey
    try {
      body.run();
    } catch (Exception e) {
      failed(e);
    }
    rethrowFailure();
    runDeferred();
  }

  /** Bodies {@code processWithKey} deferred until the user code that asked returned. Task thread. */
  private final java.util.ArrayDeque<Runnable> deferred = new java.util.ArrayDeque<>();

  private void runDeferred() {
    Runnable next;
    while ((next = deferred.poll()) != null) {
      next.run();
    }
  }

  /** Runs user code for a record or timer, directly or through the controller; rethrows failures. */
  private void run(CurrentRecord record, AsyncExecutionController.RecordBody body, boolean timer) {
    if (aec == null) {
      CurrentRecord previous = keys.currentOrNull();
      keys.set(record);
      try {
        body.run();
      } catch (Exception e) {
        failed(e);
      } finally {
        keys.set(previous); // a hook that asked for this key goes on without one
      }
    } else {
      aec.submitRecord(record, body, timer);
    }
    rethrowFailure();
  }

  /** Records the first failure, naming the record or timer whose processing raised it. */
  private void failed(Throwable t) {
    if (failure != null) {
      failure.addSuppressed(t);
      return;
    }
    CurrentRecord record = keys.currentOrNull();
    String where = record == null ? "" : " for key '" + record.key() + "'";
    failure = t instanceof ProcessingException p ? p : new ProcessingException(name + ": processing failed" + where, t);
  }

  private void rethrowFailure() {
    if (failure != null && !failureThrown) {
      failureThrown = true;
      throw failure;
    }
  }

  @Override
  public void processWatermark(long newWatermark) {
    driving("processWatermark", () -> advanceWatermark(newWatermark));
  }

  private void advanceWatermark(long newWatermark) {
    checkRunning();
    if (newWatermark <= watermark) {
      return;
    }
    // The watermark closes an epoch: every earlier record finishes first (a record waiting for its key
    // has not even run processElement yet, so a hook before this drain would miss what it buffers),
    // then the hook, then the due timers fire (each under its key, through the same per-key order),
    // then the watermark goes downstream.
    drainInFlight();
    hook(() -> function.beforeWatermark(newWatermark, context, output));
    drainInFlight();
    // Timers see the watermark that fires them, as in Flink (records before it saw the previous one).
    watermark = newWatermark;
    while (fireNextDue(newWatermark, TimeDomain.EVENT_TIME)) {
      if (!hasDue(newWatermark, TimeDomain.EVENT_TIME)) {
        drainInFlight(); // timers that callbacks register may be due too
      }
    }
    output.emitWatermark(newWatermark);
  }

  /**
   * Fires the earliest timer of {@code domain} at or before {@code time} — plain or per namespace,
   * whichever comes first — and says whether there was one.
   */
  private boolean fireNextDue(long time, TimeDomain domain) {
    TimerStore<K> plain = domain == TimeDomain.EVENT_TIME ? timers : processingTimers;
    TimerStore<NamespaceTimers.Key> spaced =
        namespaceTimers == null ? null : namespaceTimers.store(domain);
    long next = plain.nextTimestamp();
    if (spaced != null && spaced.nextTimestamp() < next) {
      TimerStore.Timer<NamespaceTimers.Key> timer = spaced.pollDue(time);
      if (timer == null) {
        return false;
      }
      NamespaceTimers.Key k = timer.key();
      fire(k.key(), k.keyBytes(), timer.keyGroup(), timer.timestamp(), domain, k.namespace());
      return true;
    }
    TimerStore.Timer<K> timer = plain.pollDue(time);
    if (timer == null) {
      return false;
    }
    fire(timer.key(), timer.keyBytes(), timer.keyGroup(), timer.timestamp(), domain, null);
    return true;
  }

  private boolean hasDue(long time, TimeDomain domain) {
    TimerStore<K> plain = domain == TimeDomain.EVENT_TIME ? timers : processingTimers;
    return plain.hasDue(time) || (namespaceTimers != null && namespaceTimers.store(domain).hasDue(time));
  }

  /** Runs {@code onTimer} for a timer, under its key, as a record of it would run. */
  private void fire(Object key, byte[] keyBytes, int keyGroup, long time, TimeDomain domain, Object namespace) {
    metrics.recordIn();
    run(
        CurrentRecord.of(key, keyBytes, keyGroup, time),
        () -> {
          firing = domain;
          firingNamespace = namespace;
          try {
            function.onTimer(time, context, output);
          } finally {
            firing = null;
            firingNamespace = null;
          }
        },
        true);
    runDeferred();
  }

  @Override
  public void advanceProcessingTime() {
    driving(
        "advanceProcessingTime",
        () -> {
          long now = clock.millis();
          if (!hasDue(now, TimeDomain.PROCESSING_TIME)) {
            return; // the common case, between records: nothing to do
          }
          checkRunning();
          // Only the timers due when the call began: one that onTimer sets at or before now fires at
          // the next call, so a timer that keeps re-registering itself cannot loop here forever.
          int due = countDue(now);
          for (int i = 0; i < due && fireNextDue(now, TimeDomain.PROCESSING_TIME); i++) {
            // each due timer, plain or per namespace, in time order
          }
        });
  }

  /** How many processing-time timers are due at {@code now}, plain and per namespace. */
  private int countDue(long now) {
    int n = processingTimers.countDue(now);
    if (namespaceTimers != null) {
      n += namespaceTimers.processing().countDue(now);
    }
    return n;
  }

  /**
   * Finishes every record in flight and everything {@code processWithKey} deferred meanwhile (a
   * callback that runs during the drain may defer more), so that nothing a record asked for is left.
   */
  private void drainInFlight() {
    while (true) {
      if (aec != null) {
        aec.drain();
        rethrowFailure();
      }
      if (deferred.isEmpty()) {
        return;
      }
      runDeferred();
    }
  }

  @Override
  public void drain() {
    driving(
        "drain",
        () -> {
          checkRunning();
          drainInFlight();
        });
  }

  @Override
  public java.util.SortedMap<String, Long> metrics() {
    checkThread();
    java.util.SortedMap<String, Long> all = new java.util.TreeMap<>(backend.metrics());
    if (checkpoints.store() != null) {
      all.putAll(checkpoints.store().metrics());
    }
    if (aec != null) {
      all.put("async.in-flight-records", (long) aec.inFlightRecords());
      all.put("async.max-in-flight-records", (long) aec.maxInFlightRecords());
    }
    return java.util.Collections.unmodifiableSortedMap(all);
  }

  @Override
  public io.aloft.metrics.MetricRegistry metricRegistry() {
    return metrics.registry();
  }

  /** The most records that were in flight at once (0 with direct execution). */
  public int maxInFlightRecords() {
    return aec == null ? 0 : aec.maxInFlightRecords();
  }

  @Override
  public Checkpoint checkpoint(long checkpointId) {
    return driving("checkpoint", () -> takeCheckpoint(checkpointId, InstanceCheckpoint.NO_POSITION));
  }

  @Override
  public Checkpoint checkpoint(long checkpointId, long inputPosition) {
    if (inputPosition == InstanceCheckpoint.NO_POSITION) {
      throw new IllegalArgumentException("inputPosition " + inputPosition + " means none: use checkpoint(id)");
    }
    return driving("checkpoint", () -> takeCheckpoint(checkpointId, inputPosition));
  }

  @Override
  public java.util.OptionalLong restoredInputPosition() {
    return restoredInputPosition == InstanceCheckpoint.NO_POSITION
        ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(restoredInputPosition);
  }

  private Checkpoint takeCheckpoint(long checkpointId, long inputPosition) {
    checkRunning();
    long start = System.nanoTime();
    if (checkpoints.root() == null) {
      throw new ConfigException(
          AloftOptions.CHECKPOINTING_DIR.key(),
          name + ": cannot checkpoint: '" + AloftOptions.CHECKPOINTING_DIR.key() + "' is not set");
    }
    CheckpointStore store = checkpoints.store();
    store.checkNextId(checkpointId);
    drainInFlight(); // every record before the cut runs processElement first: the hook flushes what they buffer
    hook(() -> function.beforeCheckpoint(checkpointId, context, output));
    drainInFlight();
    Location dir = checkpoints.root().resolve("chk-" + checkpointId);
    InstanceCheckpoint part = null;
    try {
      store.beginCheckpoint(checkpointId);
      SnapshotResult snapshot =
          backend.snapshot(
              new SnapshotRequest(checkpointId, checkpoints.root(), dir, checkpoints.incremental()));
      // Timers are rows of the backend: its snapshot holds them, the part lists none.
      List<InstanceCheckpoint.Timer> pending = List.of();
      part =
          new InstanceCheckpoint(
              checkpointId,
              maxParallelism,
              keyGroupRange,
              checkpoints.backendType(),
              name,
              store.incarnation(),
              states.formats(),
              pending,
              snapshot.files(),
              snapshot.metadata(),
              inputPosition);
      long metadataBytes = part.write(checkpoints.fileSystems().forLocation(dir), dir);
      store.completeCheckpoint(part);
      // Complete. Nothing after this point may fail it: what expiring leaves undone, the next does.
      store.expire(backend);
      Checkpoint checkpoint =
          new Checkpoint(
          checkpointId,
          dir,
          snapshot.filesReferenced(),
          snapshot.filesCopied(),
          snapshot.bytesCopied(),
          snapshot.bytesWritten() + metadataBytes,
          Duration.ofNanos(System.nanoTime() - start),
          inputPosition == InstanceCheckpoint.NO_POSITION
              ? java.util.OptionalLong.empty()
              : java.util.OptionalLong.of(inputPosition));
      metrics.checkpointed(checkpoint);
      return checkpoint;
    } catch (IOException | RuntimeException e) {
      // The checkpoint never completed: release what it pinned so its copies can go — unless its part
      // may be in storage after all (a restore could find it), or a restore fenced this run (its
      // successor holds what it wrote). Completed checkpoints are untouched.
      boolean keep =
          store.fenced()
              || (part != null
                  && !(e instanceof java.nio.file.FileAlreadyExistsException)
                  && store.keepIfWritten(part));
      if (!keep) {
        try {
          backend.checkpointSubsumed(checkpointId);
        } catch (IOException | RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new UncheckedIOException(name + ": checkpoint " + checkpointId + " failed: " + e.getMessage(), (IOException) e);
    }
  }

  @Override
  public java.util.OptionalLong lastCheckpointId() {
    return checkpoints.store() == null ? java.util.OptionalLong.empty() : checkpoints.store().lastCheckpointId();
  }

  @Override
  public long currentWatermark() {
    return watermark;
  }

  @Override
  public KeyGroupRange keyGroupRange() {
    return keyGroupRange;
  }

  @Override
  public void close() {
    checkThread();
    if (closed) {
      return;
    }
    if (activeCall != null) {
      throw new IllegalStateException(
          name + ": close() was called from inside " + activeCall + "() of the same processor (from its"
              + " function or a state callback); close it from outside its own user code");
    }
    Exception error = null;
    try {
      if (failure == null) {
        drainInFlight();
      }
    } catch (RuntimeException e) {
      error = e;
    }
    closed = true;
    try {
      function.close();
    } catch (Exception e) {
      error = addTo(error, e);
    }
    if (checkpoints.store() != null) {
      // Checkpoints that sibling instances completed since this one's last checkpoint may have
      // subsumed some of its own: discard them now rather than leave them behind (what fails is left
      // for a processor restored from these checkpoints).
      checkpoints.store().expire(backend);
    }
    try {
      metrics.close(); // the last values stay readable; the MBean goes
    } catch (RuntimeException e) {
      error = addTo(error, e);
    }
    try {
      closeResources();
      if (checkpoints.store() != null) {
        checkpoints.store().backendClosed(); // it reads no restored file any more
      }
    } catch (IOException | RuntimeException e) {
      error = addTo(error, e);
    }
    if (error != null) {
      throw new ProcessingException(name + ": close failed", error);
    }
  }

  private void checkThread() {
    if (Thread.currentThread() != taskThread) {
      throw new IllegalStateException(
          name + " is driven by its task thread '" + taskThread.getName() + "', not by '"
              + Thread.currentThread().getName() + "'");
    }
  }

  private void checkRunning() {
    checkThread();
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
    if (failure != null) {
      throw new IllegalStateException(name + " failed earlier", failure);
    }
    if (aec != null) {
      aec.runPosted();
    }
  }

  private RuntimeException fail(RuntimeException e) {
    failure = e;
    failureThrown = true;
    return e;
  }

  private static Exception addTo(Exception first, Exception next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /** Stops the executor threads, then closes the backend. */
  private void closeResources() throws IOException {
    try {
      if (executors != null) {
        executors.close();
      }
    } finally {
      backend.close();
    }
  }

  /** A failed start: closes what was opened and ends this run's lease, as {@link #close()} would. */
  private void closeResourcesQuietly(Throwable cause) {
    try {
      if (metrics != null) {
        metrics.close();
      }
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
    try {
      closeResources();
      if (checkpoints.store() != null) {
        checkpoints.store().backendClosed();
      }
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /** The context of the current record: whichever record or timer (or callback) is running. */
  private final class Context implements KeyedProcessFunction.Context<K>, TimerService {

    CurrentRecord requireKeyForTimers() {
      return requireKey();
    }

    private CurrentRecord requireKey() {
      CurrentRecord record = keys.currentOrNull();
      if (record == null) {
        throw new IllegalStateException(
            "timers can only be set while processing a record or a timer (there is no current key)");
      }
      return record;
    }

    @Override
    @SuppressWarnings("unchecked")
    public K currentKey() {
      CurrentRecord record = keys.currentOrNull();
      return record == null ? null : (K) record.key();
    }

    @Override
    public Long timestamp() {
      CurrentRecord record = keys.currentOrNull();
      return record == null ? null : record.timestamp();
    }

    @Override
    public TimerService timerService() {
      return this;
    }

    @Override
    public long currentWatermark() {
      return watermark;
    }

    @Override
    public long currentProcessingTime() {
      return clock.millis();
    }

    @Override
    public void registerEventTimeTimer(long time) {
      timers.register(timer(time));
    }

    @Override
    public void deleteEventTimeTimer(long time) {
      timers.delete(timer(time));
    }

    @Override
    public void registerProcessingTimeTimer(long time) {
      processingTimers.register(timer(time));
    }

    @Override
    public void deleteProcessingTimeTimer(long time) {
      processingTimers.delete(timer(time));
    }

    @Override
    public TimeDomain timeDomain() {
      return firing;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <N> N timerNamespace() {
      return (N) firingNamespace;
    }

    @Override
    public void processWithKey(
        K key, io.aloft.state.ThrowingConsumer<KeyedProcessFunction.Context<K>, ? extends Exception> body) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(body, "body");
      CurrentRecord record =
          ownedRecord(
              key,
              null,
              keyGroup ->
                  name + ": processWithKey('" + key + "'): its key group " + keyGroup + " is not in this"
                      + " instance's " + keyGroupRange);
      Runnable task = () -> run(record, () -> body.accept(this), false);
      if (keys.currentOrNull() != null) {
        deferred.add(task); // inside another key's processing: after it returns
      } else {
        task.run();
      }
    }

    @SuppressWarnings("unchecked")
    private TimerStore.Timer<K> timer(long time) {
      CurrentRecord r = requireKey();
      return new TimerStore.Timer<>(time, r.keyBytes(), r.keyGroup(), (K) r.key());
    }
  }

  /** Hands states to {@code open}. */
  private final class OpenContext implements StateContext {
    @Override
    public <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor) {
      return states.value(descriptor);
    }

    @Override
    public <T> ListState<T> getListState(ListStateDescriptor<T> descriptor) {
      return states.list(descriptor);
    }

    @Override
    public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> descriptor) {
      return states.map(descriptor);
    }

    @Override
    public <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> descriptor) {
      return states.reducing(descriptor);
    }

    @Override
    public <IN2, ACC, OUT2> AggregatingState<IN2, OUT2> getAggregatingState(
        AggregatingStateDescriptor<IN2, ACC, OUT2> descriptor) {
      return states.aggregating(descriptor);
    }

    @Override
    public <N, T> NamespacedState<N, ValueState<T>> getState(
        ValueStateDescriptor<T> descriptor, Serializer<N> namespaces) {
      return states.value(descriptor, namespaces);
    }

    @Override
    public <N, T> NamespacedState<N, ListState<T>> getListState(
        ListStateDescriptor<T> descriptor, Serializer<N> namespaces) {
      return states.list(descriptor, namespaces);
    }

    @Override
    public <N, UK, UV> NamespacedState<N, MapState<UK, UV>> getMapState(
        MapStateDescriptor<UK, UV> descriptor, Serializer<N> namespaces) {
      return states.map(descriptor, namespaces);
    }

    @Override
    public <N, T> NamespacedState<N, ReducingState<T>> getReducingState(
        ReducingStateDescriptor<T> descriptor, Serializer<N> namespaces) {
      return states.reducing(descriptor, namespaces);
    }

    @Override
    public <N, IN2, ACC, OUT2> NamespacedState<N, AggregatingState<IN2, OUT2>> getAggregatingState(
        AggregatingStateDescriptor<IN2, ACC, OUT2> descriptor, Serializer<N> namespaces) {
      return states.aggregating(descriptor, namespaces);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <N> NamespacedTimers<N> getTimers(Serializer<N> namespaceSerializer) {
      Objects.requireNonNull(namespaceSerializer, "namespaceSerializer");
      if (namespaceTimers == null) {
        try {
          namespaceTimers =
              new NamespaceTimers<>(
                  namespaceSerializer,
                  store(TimerStore.NAMESPACE_TABLE, namespaceSerializer),
                  store(TimerStore.NAMESPACE_PROCESSING_TIME_TABLE, namespaceSerializer));
        } catch (IOException e) {
          throw new StateAccessException(name + ": cannot open the timers per namespace: " + e.getMessage(), e);
        }
      } else if (!namespaceTimers.serializer().identifier().equals(namespaceSerializer.identifier())
          || namespaceTimers.serializer().version() != namespaceSerializer.version()) {
        throw new IllegalStateException(
            name + ": the timers per namespace use " + namespaceTimers.serializer().identifier()
                + ", not " + namespaceSerializer.identifier());
      }
      NamespaceTimers<N> spaced = (NamespaceTimers<N>) namespaceTimers;
      return new NamespacedTimers<>() {
        @Override
        public void registerEventTimeTimer(N namespace, long time) {
          spaced.events().register(spaced.timer(context.requireKeyForTimers(), namespace, time));
        }

        @Override
        public void deleteEventTimeTimer(N namespace, long time) {
          spaced.events().delete(spaced.timer(context.requireKeyForTimers(), namespace, time));
        }

        @Override
        public void registerProcessingTimeTimer(N namespace, long time) {
          spaced.processing().register(spaced.timer(context.requireKeyForTimers(), namespace, time));
        }

        @Override
        public void deleteProcessingTimeTimer(N namespace, long time) {
          spaced.processing().delete(spaced.timer(context.requireKeyForTimers(), namespace, time));
        }
      };
    }

    private <N> TimerStore<NamespaceTimers.Key> store(String table, Serializer<N> namespaces) throws IOException {
      return new TimerStore<>(
          backend.table(new TableSpec(table, StateDescriptor.Kind.VALUE, java.util.Optional.empty())),
          keyGroupRange,
          restoredState,
          bytes -> NamespaceTimers.decode(bytes, keySerializer, namespaces));
    }

    @Override
    public int subtaskIndex() {
      return subtaskIndex;
    }

    @Override
    public int parallelism() {
      return parallelism;
    }
  }
}
