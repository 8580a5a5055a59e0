package io.aloft.engine.runtime;

import io.aloft.engine.state.Bytes;
import io.aloft.engine.state.DirectRequestHandler;
import io.aloft.engine.state.KeyContext;
import io.aloft.engine.state.RequestHandler;
import io.aloft.engine.state.StateRegistry;
import io.aloft.process.KeySelector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.Output;
import io.aloft.process.ProcessingException;
import io.aloft.process.StateContext;
import io.aloft.process.TimerService;
import io.aloft.serde.Serializer;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.state.AggregatingState;
import io.aloft.state.AggregatingStateDescriptor;
import io.aloft.state.ListState;
import io.aloft.state.ListStateDescriptor;
import io.aloft.state.MapState;
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
 * <p>State requests are executed directly (each completes before the call that issued it returns), so
 * per-key order and "callbacks on the task thread" hold trivially; the asynchronous execution
 * controller replaces the {@link RequestHandler} without changing the states.
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
  private final int maxParallelism;
  private final KeyGroupRange keyGroupRange;
  private final int subtaskIndex;
  private final int parallelism;
  private final InstantSource clock;
  private final Thread taskThread;

  private final KeyContext keys = new KeyContext();
  private final TimerQueue<K> timers = new TimerQueue<>();
  private final Context context = new Context();
  private final StateRegistry states;
  private long watermark = Long.MIN_VALUE;
  private RuntimeException failure;
  private boolean closed;

  /** Everything a processor is built from; validated by the builder. */
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
      InstantSource clock) {}

  /** Creates the processor and opens its function on the calling thread, which becomes the task thread. */
  public KeyedProcessorImpl(Setup<K, IN, OUT> setup) {
    this.name = setup.name();
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
    RequestHandler direct = DirectRequestHandler.INSTANCE;
    this.states = new StateRegistry(backend, keys, () -> direct, clock);
    try {
      function.open(new OpenContext());
    } catch (Exception e) {
      closeBackendQuietly(e);
      throw new ProcessingException(name + ": open() failed: " + e, e);
    } catch (Error e) {
      closeBackendQuietly(e);
      throw e;
    }
  }

  @Override
  public void processElement(IN record) {
    process(record, null);
  }

  @Override
  public void processElement(IN record, long timestamp) {
    process(record, timestamp);
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
    byte[] keyBytes = Bytes.serialize(keySerializer, key);
    int keyGroup = KeyGroups.assign(keyBytes, maxParallelism);
    if (!keyGroupRange.contains(keyGroup)) {
      throw new IllegalArgumentException(
          name + ": key '" + key + "' is in key group " + keyGroup + ", outside this instance's range "
              + keyGroupRange + "; route records by KeyGroupRange.forInstance");
    }
    keys.set(key, keyBytes, keyGroup);
    context.set(key, keyBytes, keyGroup, timestamp);
    try {
      function.processElement(record, context, output);
    } catch (Exception e) {
      throw fail(new ProcessingException(name + ": processElement failed for key '" + key + "'", e));
    }
  }

  @Override
  public void processWatermark(long newWatermark) {
    checkRunning();
    if (newWatermark <= watermark) {
      return;
    }
    TimerQueue.Timer<K> timer;
    while ((timer = timers.pollDue(newWatermark)) != null) {
      keys.set(timer.key(), timer.keyBytes(), timer.keyGroup());
      context.set(timer.key(), timer.keyBytes(), timer.keyGroup(), timer.timestamp());
      try {
        function.onTimer(timer.timestamp(), context, output);
      } catch (Exception e) {
        throw fail(new ProcessingException(
            name + ": onTimer(" + timer.timestamp() + ") failed for key '" + timer.key() + "'", e));
      }
    }
    watermark = newWatermark;
    output.emitWatermark(newWatermark);
  }

  @Override
  public void drain() {
    // Requests execute directly, so nothing is ever in flight between calls.
    checkRunning();
  }

  @Override
  public long currentWatermark() {
    return watermark;
  }

  @Override
  public KeyGroupRange keyGroupRange() {
    return keyGroupRange;
  }

  /** Timers waiting to fire. */
  public int pendingTimers() {
    return timers.size();
  }

  @Override
  public void close() {
    checkThread();
    if (closed) {
      return;
    }
    closed = true;
    Exception error = null;
    try {
      function.close();
    } catch (Exception e) {
      error = e;
    }
    try {
      backend.close();
    } catch (IOException e) {
      if (error == null) {
        error = e;
      } else {
        error.addSuppressed(e);
      }
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
  }

  private RuntimeException fail(RuntimeException e) {
    failure = e;
    return e;
  }

  private void closeBackendQuietly(Throwable cause) {
    try {
      backend.close();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /** The context of the record or timer being processed. */
  private final class Context implements KeyedProcessFunction.Context<K>, TimerService {
    private K key;
    private byte[] keyBytes;
    private int keyGroup;
    private Long timestamp;

    private void requireKey() {
      if (key == null) {
        throw new IllegalStateException(
            "timers can only be set while processing a record or a timer (there is no current key)");
      }
    }

    void set(K key, byte[] keyBytes, int keyGroup, Long timestamp) {
      this.key = key;
      this.keyBytes = keyBytes;
      this.keyGroup = keyGroup;
      this.timestamp = timestamp;
    }

    @Override
    public K currentKey() {
      return key;
    }

    @Override
    public Long timestamp() {
      return timestamp;
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
      requireKey();
      timers.register(new TimerQueue.Timer<>(time, keyBytes, keyGroup, key));
    }

    @Override
    public void deleteEventTimeTimer(long time) {
      requireKey();
      timers.delete(new TimerQueue.Timer<>(time, keyBytes, keyGroup, key));
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
    public int subtaskIndex() {
      return subtaskIndex;
    }

    @Override
    public int parallelism() {
      return parallelism;
    }
  }
}
