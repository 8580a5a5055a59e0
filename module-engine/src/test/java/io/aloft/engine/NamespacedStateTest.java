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
import io.aloft.state.MapState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.NamespacedState;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** State per namespace: windows of one key keep apart, clear apart and iterate apart. */
class NamespacedStateTest {
  @TempDir Path dir;

  /**
   * Tumbling windows of 10: a record {@code key:t:item} counts into window {@code t/10*10+10} and adds
   * {@code item} to that window's item map; {@code key:t:close} emits the window's count and items and
   * clears it.
   */
  static final class Windows extends KeyedProcessFunction<String, String, String> {
    private NamespacedState<Long, ValueState<Integer>> counts;
    private NamespacedState<Long, MapState<String, Boolean>> items;

    @Override
    public void open(StateContext context) {
      counts = context.getState(new ValueStateDescriptor<>("count", Serializers.INT), Serializers.LONG);
      items =
          context.getMapState(
              new MapStateDescriptor<>("items", Serializers.STRING, Serializers.BOOLEAN), Serializers.LONG);
    }

    @Override
    public void processElement(String record, Context<String> context, Collector<String> out)
        throws Exception {
      String[] parts = record.split(":");
      long window = Long.parseLong(parts[1]) / 10 * 10 + 10;
      ValueState<Integer> count = counts.in(window);
      MapState<String, Boolean> windowItems = items.in(window);
      if (parts[2].equals("close")) {
        List<String> names = new ArrayList<>();
        windowItems.keys().forEach(names::add);
        out.collect(parts[0] + "/" + window + " count=" + count.value() + " items=" + names);
        count.clear();
        windowItems.clear();
      } else {
        Integer n = count.value();
        count.update(n == null ? 1 : n + 1);
        windowItems.put(parts[2], true);
      }
    }
  }

  private Config config(String backend) {
    return Config.empty()
        .with("state.backend.type", backend)
        .with("execution.checkpointing.dir", "file://" + dir.resolve("checkpoints"))
        .with("state.backend.forst.local-dir", dir.resolve("local").toString());
  }

  /** A processor of {@code function} named {@code name}, keyed by what precedes a record's first ':'. */
  private static KeyedProcessor<String, String, String> processor(
      Aloft aloft, KeyedProcessFunction<String, String, String> function, String name, List<String> out,
      Checkpoint from) {
    var builder =
        aloft
            .<String, String, String>keyedProcessor(function)
            .name(name)
            .keySelector(r -> r.substring(0, r.indexOf(':')))
            .keySerializer(Serializers.STRING)
            .output(out::add);
    if (from != null) {
      builder.restoreFrom(from.location());
    }
    return builder.build();
  }

  private static KeyedProcessor<String, String, String> windows(Aloft aloft, List<String> out, Checkpoint from) {
    return processor(aloft, new Windows(), "windows", out, from);
  }


  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "forst"})
  void eachWindowOfAKeyHasItsOwnStateClearedAndIteratedApart(String backend) {
    List<String> out = new ArrayList<>();
    Checkpoint checkpoint;
    try (Aloft aloft = Aloft.create(config(backend))) {
      KeyedProcessor<String, String, String> p = windows(aloft, out, null);
      p.processElement("a:1:x");
      p.processElement("a:5:y");
      p.processElement("a:12:z"); // the next window
      p.processElement("b:3:x");
      p.processElement("a:9:close");
      p.processElement("a:9:close"); // cleared: nothing left in it
      p.drain();
      assertThat(out).containsExactly("a/10 count=2 items=[x, y]", "a/10 count=null items=[]");
      checkpoint = p.checkpoint(1);
      p.close();
    }
    out.clear();
    try (Aloft aloft = Aloft.create(config(backend))) {
      KeyedProcessor<String, String, String> p = windows(aloft, out, checkpoint);
      p.processElement("a:15:close");
      p.processElement("b:0:close");
      p.drain();
      assertThat(out).containsExactly("a/20 count=1 items=[z]", "b/10 count=1 items=[x]");
      p.close();
    }
  }

  /** Registers "count" per namespace, then plain: the same id in two formats. */
  static final class Clash extends KeyedProcessFunction<String, String, String> {
    @Override
    public void open(StateContext context) {
      context.getState(new ValueStateDescriptor<>("count", Serializers.INT), Serializers.LONG);
      context.getState(new ValueStateDescriptor<>("count", Serializers.INT));
    }

    @Override
    public void processElement(String record, Context<String> context, Collector<String> out) {}
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap"})
  void aStateIdIsOneStateWithOrWithoutNamespaces(String backend) {
    try (Aloft aloft = Aloft.create(config(backend))) {
      assertThatThrownBy(
              () ->
                  aloft
                      .<String, String, String>keyedProcessor(new Clash())
                      .keySelector(r -> r)
                      .keySerializer(Serializers.STRING)
                      .build())
          .hasStackTraceContaining("per namespace long");
    }
  }

  /**
   * A record {@code key:window:time} sets an event-time timer of window {@code window} at {@code time}
   * and counts into the window's state; a timer emits {@code key/window@time=count} and clears it.
   */
  static final class WindowTimers extends KeyedProcessFunction<String, String, String> {
    private NamespacedState<String, ValueState<Integer>> counts;
    private io.aloft.process.NamespacedTimers<String> timers;

    @Override
    public void open(StateContext context) {
      counts = context.getState(new ValueStateDescriptor<>("count", Serializers.INT), Serializers.STRING);
      timers = context.getTimers(Serializers.STRING);
    }

    @Override
    public void processElement(String record, Context<String> context, Collector<String> out) {
      String[] parts = record.split(":");
      ValueState<Integer> count = counts.in(parts[1]);
      Integer n = count.value();
      count.update(n == null ? 1 : n + 1);
      timers.registerEventTimeTimer(parts[1], Long.parseLong(parts[2]));
    }

    @Override
    public void onTimer(long timestamp, Context<String> context, Collector<String> out) {
      String window = context.timerNamespace();
      ValueState<Integer> count = counts.in(window);
      out.collect(context.currentKey() + "/" + window + "@" + timestamp + "=" + count.value());
      count.clear();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "forst"})
  void timersPerNamespaceKeepWindowsThatEndTogetherApartAcrossACheckpoint(String backend) {
    List<String> out = new ArrayList<>();
    Checkpoint checkpoint;
    try (Aloft aloft = Aloft.create(config(backend))) {
      KeyedProcessor<String, String, String> p = timed(aloft, out, null);
      p.processElement("a:w1:100");
      p.processElement("a:w2:100"); // the same key and time, another window
      p.processElement("a:w2:100");
      p.processElement("a:w3:300");
      p.processWatermark(150);
      p.drain();
      assertThat(out).containsExactlyInAnyOrder("a/w1@100=1", "a/w2@100=2");
      checkpoint = p.checkpoint(1);
      p.close();
    }
    out.clear();
    try (Aloft aloft = Aloft.create(config(backend))) {
      KeyedProcessor<String, String, String> p = timed(aloft, out, checkpoint);
      p.processWatermark(400);
      p.drain();
      assertThat(out).containsExactly("a/w3@300=1");
      p.close();
    }
  }

  private static KeyedProcessor<String, String, String> timed(Aloft aloft, List<String> out, Checkpoint from) {
    return processor(aloft, new WindowTimers(), "window-timers", out, from);
  }

}
