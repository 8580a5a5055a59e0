package io.aloft.engine.testkit;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.Collector;
import io.aloft.process.KeyedJob;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.Output;
import io.aloft.process.ProcessingException;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives keyed records that are actions: each record carries a key and a lambda that runs in {@code
 * processElement} with the states {@link #open} registered. The records go to one {@link
 * KeyedProcessor} instance, or, built with {@link #job}, to a {@link KeyedJob} of several subtasks on
 * their own threads. Results that callbacks produce are read after a drain, so tests hold for
 * synchronous and asynchronous execution, and for one instance and a job, alike.
 *
 * @param <S> the states the test's open function returns
 */
public final class StateHarness<S> implements AutoCloseable {

  /** Registers the test's states. */
  @FunctionalInterface
  public interface Opener<S> {
    S open(StateContext context) throws Exception;
  }

  /** What a record does in {@code processElement} (or a timer in {@code onTimer}). */
  @FunctionalInterface
  public interface Action<S> {
    void run(S states, KeyedProcessFunction.Context<String> context, Collector<String> out)
        throws Exception;
  }

  /** One input record. */
  public record Op<S>(String key, Action<S> action) {}

  /** The calls the harness makes on what runs the records: a processor or a job. */
  private interface Driver<S> extends AutoCloseable {
    void processElement(Op<S> op);

    void processElement(Op<S> op, long timestamp);

    void processWatermark(long watermark);

    void drain();

    long currentWatermark();

    @Override
    void close();
  }

  private final Aloft aloft;
  private final KeyedProcessor<String, Op<S>, String> processor; // null for a job
  private final Driver<S> driver;
  /** Written by the task threads (one at a time: a job serializes its output), read after a drain. */
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());
  private final ManualClock clock = new ManualClock();
  /** What onTimer does; set by tests that use timers, before the records that register them. */
  private volatile Action<S> onTimer = (s, c, o) -> {};

  public StateHarness(Config config, Opener<S> opener) {
    this(config, opener, 0, 1);
  }

  /** Drives instance {@code index} of {@code parallelism}: it refuses keys outside its key groups. */
  public StateHarness(Config config, Opener<S> opener, int index, int parallelism) {
    aloft = Aloft.create(config);
    try {
      processor =
          aloft
              .keyedProcessor(function(opener))
              .keySelector(Op::key)
              .keySerializer(Serializers.STRING)
              .instance(index, parallelism)
              .clock(clock)
              .output(sink())
              .build();
    } catch (RuntimeException e) {
      aloft.close();
      throw e;
    }
    driver = new ProcessorDriver<>(processor);
  }

  private StateHarness(Config config, Opener<S> opener, int parallelism) {
    aloft = Aloft.create(config);
    processor = null;
    try {
      driver =
          new JobDriver<>(
              aloft
                  .keyedJob(() -> function(opener))
                  .name("harness")
                  .keySelector(Op::key)
                  .keySerializer(Serializers.STRING)
                  .parallelism(parallelism)
                  .clock(clock)
                  .output(sink())
                  .build());
    } catch (RuntimeException e) {
      aloft.close();
      throw e;
    }
  }

  /** Drives a job of {@code parallelism} subtasks, each record routed to the subtask owning its key. */
  public static <S> StateHarness<S> job(Config config, Opener<S> opener, int parallelism) {
    return new StateHarness<>(config, opener, parallelism);
  }

  private KeyedProcessFunction<String, Op<S>, String> function(Opener<S> opener) {
    StateHarness<S> self = this;
    return new KeyedProcessFunction<>() {
      private S states;

      @Override
      public void open(StateContext context) throws Exception {
        states = opener.open(context);
      }

      @Override
      public void processElement(Op<S> op, Context<String> context, Collector<String> out)
          throws Exception {
        op.action().run(states, context, out);
      }

      @Override
      public void onTimer(long timestamp, Context<String> context, Collector<String> out)
          throws Exception {
        self.onTimer.run(states, context, out);
      }
    };
  }

  private Output<String> sink() {
    return new Output<>() {
      @Override
      public void collect(String record) {
        output.add(record);
      }

      @Override
      public void emitWatermark(long watermark) {
        output.add("watermark " + watermark);
      }
    };
  }

  /** Processes one record of {@code key} running {@code action}. */
  public StateHarness<S> on(String key, Action<S> action) {
    driver.processElement(new Op<>(key, action));
    return this;
  }

  /** Processes a record with an event-time timestamp. */
  public StateHarness<S> on(String key, long timestamp, Action<S> action) {
    driver.processElement(new Op<>(key, action), timestamp);
    return this;
  }

  /** Runs {@code action} under {@code key}, drains, and returns what it stored in the reference. */
  public <T> T read(String key, ReadAction<S, T> action) {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Boolean> done = new AtomicReference<>(false);
    on(
        key,
        (s, c, o) ->
            action.read(
                s,
                v -> {
                  result.set(v);
                  done.set(true);
                }));
    driver.drain();
    if (!done.get()) {
      throw new AssertionError("the read under key '" + key + "' never delivered its result");
    }
    return result.get();
  }

  /** A read that delivers its result to a sink, possibly from a state callback. */
  @FunctionalInterface
  public interface ReadAction<S, T> {
    void read(S states, java.util.function.Consumer<T> result) throws Exception;
  }

  public StateHarness<S> onTimer(Action<S> action) {
    this.onTimer = action;
    return this;
  }

  public StateHarness<S> watermark(long watermark) {
    driver.processWatermark(watermark);
    return this;
  }

  public StateHarness<S> drain() {
    driver.drain();
    return this;
  }

  /**
   * Drains, then moves the processing-time clock by {@code by}: everything given before ran at the
   * old time (a job's subtasks would otherwise race the test's clock).
   */
  public StateHarness<S> advanceClock(java.time.Duration by) {
    driver.drain();
    clock.advance(by);
    return this;
  }

  public ManualClock clock() {
    return clock;
  }

  /** The one processor this harness drives; a job's subtasks are not reachable. */
  public KeyedProcessor<String, Op<S>, String> processor() {
    if (processor == null) {
      throw new IllegalStateException("this harness drives a job, not one processor");
    }
    return processor;
  }

  /** The last watermark emitted downstream. */
  public long currentWatermark() {
    return driver.currentWatermark();
  }

  /** Everything emitted so far: records, and {@code "watermark N"} for each watermark. */
  public List<String> output() {
    driver.drain();
    synchronized (output) {
      return new ArrayList<>(output);
    }
  }

  @Override
  public void close() {
    try {
      driver.close();
    } finally {
      aloft.close();
    }
  }

  private record ProcessorDriver<S>(KeyedProcessor<String, Op<S>, String> processor) implements Driver<S> {
    @Override
    public void processElement(Op<S> op) {
      processor.processElement(op);
    }

    @Override
    public void processElement(Op<S> op, long timestamp) {
      processor.processElement(op, timestamp);
    }

    @Override
    public void processWatermark(long watermark) {
      processor.processWatermark(watermark);
    }

    @Override
    public void drain() {
      processor.drain();
    }

    @Override
    public long currentWatermark() {
      return processor.currentWatermark();
    }

    @Override
    public void close() {
      processor.close();
    }
  }

  /**
   * A job: its failures surface at a later call than the one that caused them; once a test has seen
   * the failure, closing does not throw it again (a failed processor closes quietly too).
   */
  private static final class JobDriver<S> implements Driver<S> {
    private final KeyedJob<Op<S>, String> job;
    private boolean failureSeen;

    JobDriver(KeyedJob<Op<S>, String> job) {
      this.job = job;
    }

    private void call(Runnable call) {
      try {
        call.run();
      } catch (ProcessingException e) {
        failureSeen = true;
        throw e;
      }
    }

    @Override
    public void processElement(Op<S> op) {
      call(() -> job.processElement(op));
    }

    @Override
    public void processElement(Op<S> op, long timestamp) {
      call(() -> job.processElement(op, timestamp));
    }

    @Override
    public void processWatermark(long watermark) {
      call(() -> job.processWatermark(watermark));
    }

    @Override
    public void drain() {
      call(job::drain);
    }

    @Override
    public long currentWatermark() {
      return job.currentWatermark();
    }

    @Override
    public void close() {
      try {
        job.close();
      } catch (ProcessingException e) {
        if (!failureSeen) {
          throw e;
        }
      }
    }
  }
}
