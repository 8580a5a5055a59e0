package io.aloft.engine.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.engine.runtime.KeyedProcessorImpl;
import io.aloft.engine.testkit.ChaosStateBackendFactory;
import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.Output;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.ListState;
import io.aloft.state.ListStateDescriptor;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The guarantees of the asynchronous execution controller, under out-of-order completion. */
class AsyncExecutionTest {

  /** A record: a key and a sequence number. */
  record Event(String key, int seq) {}

  static Config chaos(int activeBuffer, int totalBuffer) {
    return Config.empty()
        .with("state.backend.type", "chaos")
        .with("chaos.max-latency-micros", "500")
        .with("execution.async-state.active-buffer-size", String.valueOf(activeBuffer))
        .with("execution.async-state.total-buffer-size", String.valueOf(totalBuffer));
  }

  /**
   * Per record: read the count, check it equals the number of earlier records of the key, write
   * count + 1, append the sequence number; emit a line when anything is off. Every callback checks it
   * runs on the task thread.
   */
  static final class CheckingFunction extends KeyedProcessFunction<String, Event, String> {
    final Thread task = Thread.currentThread();
    final Map<String, Integer> sent = new HashMap<>();
    ValueState<Integer> count;
    ListState<Integer> seqs;

    @Override
    public void open(StateContext context) {
      count = context.getState(new ValueStateDescriptor<>("count", Serializers.INT));
      seqs = context.getListState(new ListStateDescriptor<>("seqs", Serializers.INT));
    }

    @Override
    public void processElement(Event e, Context<String> ctx, Collector<String> out) {
      int expected = sent.merge(e.key(), 1, Integer::sum) - 1;
      count
          .asyncValue()
          .thenCompose(
              n -> {
                if (Thread.currentThread() != task) {
                  out.collect("callback on " + Thread.currentThread().getName());
                }
                if (!e.key().equals(ctx.currentKey())) {
                  out.collect("callback of " + e.key() + " saw key " + ctx.currentKey());
                }
                int seen = n == null ? 0 : n;
                if (seen != expected) {
                  out.collect(e + " saw count " + seen + ", expected " + expected);
                }
                return count.asyncUpdate(seen + 1);
              })
          .thenCompose(v -> seqs.asyncAdd(e.seq()))
          .thenAccept(
              v -> {
                if (Thread.currentThread() != task) {
                  out.collect("callback on " + Thread.currentThread().getName());
                }
              });
    }
  }

  @Test
  void perKeyOrderAndTaskThreadCallbacksHoldUnderOutOfOrderCompletion() {
    long seed = Long.getLong("aloft.test.seed", System.nanoTime());
    Random random = new Random(seed);
    List<String> out = new ArrayList<>();
    CheckingFunction function = new CheckingFunction();
    Map<String, List<Integer>> model = new HashMap<>();
    try (Aloft aloft = Aloft.create(chaos(16, 64));
        KeyedProcessor<String, Event, String> p =
            aloft.keyedProcessor(function).keySelector(Event::key).keySerializer(Serializers.STRING)
                .output(out::add).build()) {
      for (int i = 0; i < 2000; i++) {
        String key = "k" + random.nextInt(random.nextBoolean() ? 5 : 200);
        model.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        p.processElement(new Event(key, i));
      }
      p.drain();
      assertThat(out).as("seed %d", seed).isEmpty();
      assertThat(((KeyedProcessorImpl<?, ?, ?>) p).maxInFlightRecords())
          .as("records overlapped")
          .isGreaterThan(1);
      for (Map.Entry<String, List<Integer>> e : model.entrySet()) {
        p.processElement(new Event(e.getKey(), -1)); // reads are checked by the function itself
      }
      p.drain();
      assertThat(out).as("seed %d", seed).isEmpty();
      // Reads ran on the strategy's read threads (writes may run on the task thread: inline-write).
      assertThat(ChaosStateBackendFactory.IO_THREADS)
          .anySatisfy(t -> assertThat(t.getName()).contains("-read-"));
    }
  }

  @Test
  void theInFlightBoundIsNeverExceeded() {
    CheckingFunction function = new CheckingFunction();
    List<String> out = new ArrayList<>();
    try (Aloft aloft = Aloft.create(chaos(4, 10));
        KeyedProcessor<String, Event, String> p =
            aloft.keyedProcessor(function).keySelector(Event::key).keySerializer(Serializers.STRING)
                .output(out::add).build()) {
      for (int i = 0; i < 500; i++) {
        p.processElement(new Event("k" + (i % 37), i));
      }
      p.drain();
      assertThat(((KeyedProcessorImpl<?, ?, ?>) p).maxInFlightRecords()).isBetween(2, 10);
      assertThat(out).isEmpty();
    }
  }

  /** Registers a timer per record; each timer reads and writes state before emitting. */
  static final class TimerFunction extends KeyedProcessFunction<String, Event, String> {
    ValueState<Integer> count;

    @Override
    public void open(StateContext context) {
      count = context.getState(new ValueStateDescriptor<>("count", Serializers.INT));
    }

    @Override
    public void processElement(Event e, Context<String> ctx, Collector<String> out) {
      ctx.timerService().registerEventTimeTimer(e.seq());
      count
          .asyncValue()
          .thenCompose(n -> count.asyncUpdate(n == null ? 1 : n + 1))
          .thenAccept(v -> out.collect("record " + e.seq()));
    }

    @Override
    public void onTimer(long timestamp, Context<String> ctx, Collector<String> out) {
      count
          .asyncValue()
          .thenCompose(n -> count.asyncUpdate(n + 100))
          .thenAccept(v -> out.collect("timer " + timestamp));
    }
  }

  @Test
  void aWatermarkIsEmittedAfterEveryEarlierRecordAndItsTimersFinish() {
    List<String> out = new ArrayList<>();
    Output<String> output =
        new Output<>() {
          @Override
          public void collect(String record) {
            out.add(record);
          }

          @Override
          public void emitWatermark(long watermark) {
            out.add("watermark " + watermark);
          }
        };
    try (Aloft aloft = Aloft.create(chaos(8, 16));
        KeyedProcessor<String, Event, String> p =
            aloft.keyedProcessor(new TimerFunction()).keySelector(Event::key)
                .keySerializer(Serializers.STRING).output(output).build()) {
      for (int i = 0; i < 100; i++) {
        p.processElement(new Event("k" + (i % 7), i));
      }
      p.processWatermark(49);
      int mark = out.indexOf("watermark 49");
      assertThat(mark).isEqualTo(100 + 50);
      assertThat(out.subList(0, mark)).filteredOn(s -> s.startsWith("record")).hasSize(100);
      List<String> timers = out.subList(0, mark).stream().filter(s -> s.startsWith("timer")).toList();
      assertThat(timers).hasSize(50);
      // Per key, timers fire in timestamp order.
      for (int key = 0; key < 7; key++) {
        int k = key;
        List<Integer> ofKey =
            timers.stream().map(s -> Integer.parseInt(s.substring(6))).filter(t -> t % 7 == k).toList();
        assertThat(ofKey).isSorted();
      }
    }
  }

  @Test
  void timersFiringAtTheInFlightBoundDoNotDeadlock() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          List<String> out = new ArrayList<>();
          try (Aloft aloft = Aloft.create(chaos(2, 2));
              KeyedProcessor<String, Event, String> p =
                  aloft.keyedProcessor(new TimerFunction()).keySelector(Event::key)
                      .keySerializer(Serializers.STRING).output(out::add).build()) {
            for (int i = 0; i < 300; i++) {
              p.processElement(new Event("k" + (i % 3), i));
            }
            p.processWatermark(Long.MAX_VALUE);
            assertThat(out).filteredOn(s -> s.startsWith("timer")).hasSize(300);
          }
        });
  }

  @Test
  void drainLeavesNothingInFlight() {
    List<String> out = new ArrayList<>();
    try (Aloft aloft = Aloft.create(chaos(1000, 6000).with("execution.async-state.active-buffer-timeout", "1 h"));
        KeyedProcessor<String, Event, String> p =
            aloft.keyedProcessor(new TimerFunction()).keySelector(Event::key)
                .keySerializer(Serializers.STRING).output(out::add).build()) {
      for (int i = 0; i < 200; i++) {
        p.processElement(new Event("k" + i, i));
      }
      // Nothing forces a batch out yet: buffer not full, timeout far away.
      assertThat(out).hasSizeLessThan(200);
      p.drain();
      assertThat(out).hasSize(200);
    }
  }

  @Test
  void requestsLeaveInBatchesOfTheActiveBufferSize() {
    List<String> out = new ArrayList<>();
    try (Aloft aloft = Aloft.create(chaos(50, 6000).with("chaos.max-latency-micros", "0"));
        KeyedProcessor<String, Event, String> p =
            aloft.keyedProcessor(new TimerFunction()).keySelector(Event::key)
                .keySerializer(Serializers.STRING).output(out::add).build()) {
      long callsBefore = ChaosStateBackendFactory.CALLS.get();
      for (int i = 0; i < 500; i++) {
        p.processElement(new Event("k" + i, i));
      }
      p.drain();
      assertThat(ChaosStateBackendFactory.CALLS.get() - callsBefore).isEqualTo(1500); // get + put each, and the timer row each registers
      assertThat(out).hasSize(500);
    }
  }

  /** Mixes asynchronous writes with synchronous reads in one record. */
  static final class MixedFunction extends KeyedProcessFunction<String, Event, String> {
    ValueState<Integer> count;

    @Override
    public void open(StateContext context) {
      count = context.getState(new ValueStateDescriptor<>("count", Serializers.INT));
    }

    @Override
    public void processElement(Event e, Context<String> ctx, Collector<String> out) {
      count.asyncUpdate(e.seq());
      Integer now = count.value(); // must see the asynchronous update issued just before
      if (now == null || now != e.seq()) {
        out.collect("sync read saw " + now + " after async update to " + e.seq());
      }
      count.update(now + 1);
      count.asyncValue().thenAccept(v -> {
        if (v != e.seq() + 1) {
          out.collect("async read saw " + v + " after sync update to " + (e.seq() + 1));
        }
      });
    }
  }

  @Test
  void synchronousCallsSeeEarlierAsynchronousOnesAndViceVersa() {
    List<String> out = new ArrayList<>();
    try (Aloft aloft = Aloft.create(chaos(8, 32));
        KeyedProcessor<String, Event, String> p =
            aloft.keyedProcessor(new MixedFunction()).keySelector(Event::key)
                .keySerializer(Serializers.STRING).output(out::add).build()) {
      for (int i = 0; i < 200; i++) {
        p.processElement(new Event("k" + (i % 9), i));
      }
      p.drain();
      assertThat(out).isEmpty();
    }
  }

  @org.junit.jupiter.api.Test
  void aBatchThatFailsWithAnErrorFailsTheProcessorInsteadOfLeavingItWaiting() {
    try (io.aloft.engine.Aloft aloft =
        io.aloft.engine.Aloft.create(chaos(8, 64).with("chaos.error-after-calls", "20"))) {
      io.aloft.process.KeyedProcessor<String, Event, String> p =
          aloft
              .<String, Event, String>keyedProcessor(new CheckingFunction())
              .keySelector(Event::key)
              .keySerializer(Serializers.STRING)
              .build();
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> {
                for (int i = 0; i < 200; i++) {
                  p.processElement(new Event("k" + (i % 13), i));
                }
                p.drain();
              })
          .hasStackTraceContaining("chaos: a broken backend");
    }
  }
}
