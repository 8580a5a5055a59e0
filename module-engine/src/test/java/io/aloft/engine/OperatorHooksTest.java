package io.aloft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.process.Checkpoint;
import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hooks operators need: before a watermark, before a checkpoint, and work under another key. */
class OperatorHooksTest {
  @TempDir Path dir;

  /**
   * A mini-batch sum: records ({@code key:n}) are buffered on the heap and folded into each key's state
   * only before a watermark or a checkpoint; every fold emits {@code key=sum}. A record {@code
   * key:n:also=other} also adds n to {@code other}'s sum, under {@code other}'s key.
   */
  static final class MiniBatchSum extends KeyedProcessFunction<String, String, String> {
    private final Map<String, Integer> buffer = new LinkedHashMap<>();
    private ValueState<Integer> sum;

    @Override
    public void open(StateContext context) {
      sum = context.getState(new ValueStateDescriptor<>("sum", Serializers.INT));
    }

    @Override
    public void processElement(String record, Context<String> context, Collector<String> out) {
      String[] parts = record.split(":");
      buffer.merge(parts[0], Integer.parseInt(parts[1]), Integer::sum);
      if (parts.length > 2) {
        String other = parts[2].substring("also=".length());
        int n = Integer.parseInt(parts[1]);
        context.processWithKey(
            other, c -> out.collect(c.currentKey() + "+=" + n + " under " + c.currentKey()));
      }
    }

    private void flush(Context<String> context, Collector<String> out) {
      assertThat(context.currentKey()).isNull();
      for (Map.Entry<String, Integer> e : buffer.entrySet()) {
        context.processWithKey(
            e.getKey(),
            c -> {
              Integer old = sum.value();
              int now = (old == null ? 0 : old) + e.getValue();
              sum.update(now);
              out.collect(c.currentKey() + "=" + now);
            });
        assertThat(context.currentKey()).as("the hook goes on without a key").isNull();
      }
      buffer.clear();
    }

    @Override
    public void beforeWatermark(long watermark, Context<String> context, Collector<String> out) {
      flush(context, out);
    }

    @Override
    public void beforeCheckpoint(long checkpointId, Context<String> context, Collector<String> out) {
      flush(context, out);
    }
  }

  private KeyedProcessor<String, String, String> processor(Aloft aloft, List<String> out, Path restore) {
    var builder =
        aloft
            .<String, String, String>keyedProcessor(new MiniBatchSum())
            .name("sums")
            .keySelector(r -> r.substring(0, r.indexOf(':')))
            .keySerializer(Serializers.STRING)
            .output(out::add);
    if (restore != null) {
      builder.restoreFrom(io.aloft.spi.fs.Location.of("file://" + restore));
    }
    return builder.build();
  }

  /**
   * On forst a record whose key is busy (its previous record's state read is in flight) has not even run
   * {@code processElement} when the watermark or checkpoint comes: the hook runs after it did, so it
   * flushes every record given before.
   */
  @ParameterizedTest
  @ValueSource(strings = {"watermark", "checkpoint"})
  void hooksRunAfterRecordsThatWaitedForTheirKey(String hook) {
    Config config =
        Config.empty()
            .with("state.backend.type", "forst")
            .with("execution.checkpointing.dir", "file://" + dir.resolve("checkpoints"))
            .with("state.backend.forst.local-dir", dir.resolve("local").toString());
    List<String> out = new ArrayList<>();
    try (Aloft aloft = Aloft.create(config)) {
      KeyedProcessor<String, String, String> p =
          aloft
              .<String, String, String>keyedProcessor(
                  new KeyedProcessFunction<String, String, String>() {
                    private ValueState<Integer> seen;
                    private int buffered;

                    @Override
                    public void open(StateContext context) {
                      seen = context.getState(new ValueStateDescriptor<>("seen", Serializers.INT));
                    }

                    @Override
                    public void processElement(String record, Context<String> context, Collector<String> out) {
                      buffered++;
                      seen.asyncValue().thenAccept(v -> seen.asyncUpdate(v == null ? 1 : v + 1)); // key busy
                    }

                    @Override
                    public void beforeWatermark(long watermark, Context<String> context, Collector<String> out) {
                      out.collect("buffered " + buffered);
                    }

                    @Override
                    public void beforeCheckpoint(long checkpointId, Context<String> context, Collector<String> out) {
                      out.collect("buffered " + buffered);
                    }
                  })
              .name("busy")
              .keySelector(r -> r)
              .keySerializer(Serializers.STRING)
              .output(out::add)
              .build();
      for (int i = 0; i < 50; i++) {
        p.processElement("a"); // one key: each record waits for the one before
      }
      if (hook.equals("watermark")) {
        p.processWatermark(1);
      } else {
        p.checkpoint(1);
      }
      p.drain();
      assertThat(out).containsExactly("buffered 50");
      p.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "forst"})
  void bufferedStateIsFoldedInBeforeAWatermarkAndBeforeACheckpoint(String backend) {
    Config config =
        Config.empty()
            .with("state.backend.type", backend)
            .with("execution.checkpointing.dir", "file://" + dir.resolve("checkpoints"))
            .with("state.backend.forst.local-dir", dir.resolve("local").toString());
    List<String> out = new ArrayList<>();
    Checkpoint checkpoint;
    try (Aloft aloft = Aloft.create(config)) {
      KeyedProcessor<String, String, String> p = processor(aloft, out, null);
      p.processElement("a:1");
      p.processElement("b:2");
      p.processElement("a:3:also=b");
      p.drain();
      assertThat(out).containsExactly("b+=3 under b"); // nothing folded yet
      p.processWatermark(10);
      p.drain();
      assertThat(out).containsExactly("b+=3 under b", "a=4", "b=2");
      p.processElement("a:5");
      checkpoint = p.checkpoint(1); // folds a:5 into the checkpoint
      p.drain();
      assertThat(out).endsWith("a=9");
      p.close();
    }
    out.clear();
    try (Aloft aloft = Aloft.create(config)) {
      KeyedProcessor<String, String, String> p =
          processor(aloft, out, Path.of(checkpoint.location().path()));
      p.processElement("a:1");
      p.processWatermark(20);
      p.drain();
      assertThat(out).containsExactly("a=10");
      assertThatThrownBy(
              () ->
                  aloft
                      .<String, String, String>keyedProcessor(new MiniBatchSum())
                      .name("other")
                      .keySelector(r -> r.substring(0, r.indexOf(':')))
                      .keySerializer(Serializers.STRING)
                      .instance(0, 2)
                      .build()
                      .processElement(keyOfInstance(0) + ":1:also=" + keyOfInstance(1)))
          .hasStackTraceContaining("not in this instance's");
      p.close();
    }
  }

  /** A key whose group instance {@code index} of two owns. */
  private static String keyOfInstance(int index) {
    for (int i = 0; ; i++) {
      String key = "k" + i;
      if (io.aloft.process.KeyGroups.subtaskOf(key, Serializers.STRING, 2, 128) == index) {
        return key;
      }
    }
  }

  /**
   * A record {@code key:n:other} reads its key's sum asynchronously and, in the callback, adds n to
   * {@code other}'s sum under {@code other}'s key.
   */
  static final class ForwardFromCallback extends KeyedProcessFunction<String, String, String> {
    private ValueState<Integer> sum;

    @Override
    public void open(StateContext context) {
      sum = context.getState(new ValueStateDescriptor<>("sum", Serializers.INT));
    }

    @Override
    public void processElement(String record, Context<String> context, Collector<String> out) {
      String[] parts = record.split(":");
      int n = Integer.parseInt(parts[1]);
      sum.asyncValue()
          .thenAccept(
              v ->
                  context.processWithKey(
                      parts[2],
                      c -> sum.asyncValue().thenAccept(old -> sum.asyncUpdate((old == null ? 0 : old) + n))));
    }

    @Override
    public void onTimer(long timestamp, Context<String> context, Collector<String> out) {}
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "forst"})
  void workACallbackAsksForUnderAnotherKeyIsInTheNextCheckpoint(String backend) {
    Config config =
        Config.empty()
            .with("state.backend.type", backend)
            .with("execution.checkpointing.dir", "file://" + dir.resolve("checkpoints"))
            .with("state.backend.forst.local-dir", dir.resolve("local").toString());
    Checkpoint checkpoint;
    try (Aloft aloft = Aloft.create(config)) {
      KeyedProcessor<String, String, String> p =
          aloft
              .<String, String, String>keyedProcessor(new ForwardFromCallback())
              .name("forward")
              .keySelector(r -> r.substring(0, r.indexOf(':')))
              .keySerializer(Serializers.STRING)
              .build();
      for (int i = 0; i < 50; i++) {
        p.processElement("k" + i + ":1:target");
      }
      checkpoint = p.checkpoint(1); // no drain first: the checkpoint must finish the forwarded work
      p.close();
    }
    List<Integer> read = new ArrayList<>();
    try (Aloft aloft = Aloft.create(config)) {
      KeyedProcessor<String, String, String> p =
          aloft
              .<String, String, String>keyedProcessor(
                  new KeyedProcessFunction<String, String, String>() {
                    private ValueState<Integer> sum;

                    @Override
                    public void open(StateContext context) {
                      sum = context.getState(new ValueStateDescriptor<>("sum", Serializers.INT));
                    }

                    @Override
                    public void processElement(String r, Context<String> c, Collector<String> out) {
                      read.add(sum.value());
                    }
                  })
              .name("forward")
              .keySelector(r -> r)
              .keySerializer(Serializers.STRING)
              .restoreFrom(checkpoint.location())
              .build();
      p.processElement("target");
      p.drain();
      p.close();
    }
    assertThat(read).containsExactly(50);
  }
}
