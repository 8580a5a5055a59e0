package io.aloft.engine.testkit;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.Output;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives a {@link KeyedProcessor} whose records are actions: each record carries a key and a lambda
 * that runs in {@code processElement} with the states {@link #open} registered. Results that
 * callbacks produce are read after {@link KeyedProcessor#drain()}, so tests hold for synchronous and
 * asynchronous execution alike.
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

  private final Aloft aloft;
  private final KeyedProcessor<String, Op<S>, String> processor;
  private final List<String> output = new ArrayList<>();
  private final List<Long> watermarks = new ArrayList<>();
  private final ManualClock clock = new ManualClock();
  /** What onTimer does; set by tests that use timers. */
  private Action<S> onTimer = (s, c, o) -> {};

  public StateHarness(Config config, Opener<S> opener) {
    this(config, opener, 0, 1);
  }

  public StateHarness(Config config, Opener<S> opener, int index, int parallelism) {
    aloft = Aloft.create(config);
    StateHarness<S> self = this;
    KeyedProcessFunction<String, Op<S>, String> function =
        new KeyedProcessFunction<>() {
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
    processor =
        aloft
            .keyedProcessor(function)
            .keySelector(Op::key)
            .keySerializer(Serializers.STRING)
            .instance(index, parallelism)
            .clock(clock)
            .output(
                new Output<>() {
                  @Override
                  public void collect(String record) {
                    output.add(record);
                  }

                  @Override
                  public void emitWatermark(long watermark) {
                    watermarks.add(watermark);
                    output.add("watermark " + watermark);
                  }
                })
            .build();
  }

  /** Processes one record of {@code key} running {@code action}. */
  public StateHarness<S> on(String key, Action<S> action) {
    processor.processElement(new Op<>(key, action));
    return this;
  }

  /** Processes a record with an event-time timestamp. */
  public StateHarness<S> on(String key, long timestamp, Action<S> action) {
    processor.processElement(new Op<>(key, action), timestamp);
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
    processor.drain();
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
    processor.processWatermark(watermark);
    return this;
  }

  public StateHarness<S> drain() {
    processor.drain();
    return this;
  }

  public ManualClock clock() {
    return clock;
  }

  public KeyedProcessor<String, Op<S>, String> processor() {
    return processor;
  }

  /** Everything emitted so far: records, and {@code "watermark N"} for each watermark. */
  public List<String> output() {
    processor.drain();
    return output;
  }

  @Override
  public void close() {
    try {
      processor.close();
    } finally {
      aloft.close();
    }
  }
}
