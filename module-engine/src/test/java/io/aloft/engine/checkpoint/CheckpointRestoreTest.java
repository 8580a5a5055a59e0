package io.aloft.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.KeyGroups;
import io.aloft.process.Checkpoint;
import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.fs.Location;
import io.aloft.state.MapState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.StateCompatibilityException;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoint and restore through the public API, against a model of every key's state, for each
 * backend that checkpoints: same parallelism, fewer and more instances (rescale), timers, format
 * checks, file references versus copies and retention. {@link CheckpointOwnershipTest} covers what
 * instances and runs share: inherited files, incomplete checkpoints, fencing.
 */
class CheckpointRestoreTest {
  @TempDir Path dir;

  /** Commands: "add k n" adds n to k's sum and records n in k's map; "timer k t" sets a timer. */
  record Cmd(String key, long amount, long timer) {}

  /** Sums per key (value state), counts per amount (map state), emits "k fired t=sum" on timers. */
  static final class Sums extends KeyedProcessFunction<String, Cmd, String> {
    private final boolean changedSerializer;
    ValueState<Long> sum;
    MapState<Long, Long> counts;

    Sums(boolean changedSerializer) {
      this.changedSerializer = changedSerializer;
    }

    @Override
    public void open(StateContext c) {
      if (changedSerializer) {
        c.getState(new ValueStateDescriptor<>("sum", Serializers.STRING));
      }
      sum = c.getState(new ValueStateDescriptor<>("sum", Serializers.LONG));
      counts = c.getMapState(new MapStateDescriptor<>("counts", Serializers.LONG, Serializers.LONG));
    }

    @Override
    public void processElement(Cmd cmd, Context<String> ctx, Collector<String> out) {
      if (cmd.timer() > 0) {
        ctx.timerService().registerEventTimeTimer(cmd.timer());
      }
      if (cmd.amount() == Long.MIN_VALUE) {
        sum.asyncValue().thenAccept(v -> out.collect(cmd.key() + "=" + v));
        counts.asyncEntries().thenCompose(it -> it.onNext(e -> {
          out.collect(cmd.key() + "[" + e.getKey() + "]=" + e.getValue());
        }));
        return;
      }
      if (cmd.amount() != 0) {
        sum.asyncValue().thenCompose(v -> sum.asyncUpdate((v == null ? 0 : v) + cmd.amount()));
        counts.asyncGet(cmd.amount()).thenCompose(n -> counts.asyncPut(cmd.amount(), n == null ? 1 : n + 1));
      }
    }

    @Override
    public void onTimer(long timestamp, Context<String> ctx, Collector<String> out) {
      sum.asyncValue().thenAccept(v -> out.collect(ctx.currentKey() + " fired " + timestamp + "=" + v));
    }
  }

  Config config(String backend) {
    return Config.empty()
        .with("state.backend.type", backend)
        .with("execution.checkpointing.dir", dir.resolve("checkpoints").toString())
        .with("state.backend.forst.local-dir", dir.resolve("local").toString())
        .with("state.backend.forst.writebuffer.size", "64kb");
  }

  static final List<String> KEYS = Stream.iterate(0, i -> i + 1).limit(300).map(i -> "key-" + i).toList();

  /** Runs the keys this instance owns through it, adding what it wrote to {@code model}. */
  static void feed(KeyedProcessor<String, Cmd, String> p, int round, Map<String, Long> model) {
    KeyGroupRange range = p.keyGroupRange();
    for (String key : KEYS) {
      if (range.contains(KeyGroups.keyGroupOf(utf(key), 128))) {
        long amount = (key.hashCode() & 7) + round;
        p.processElement(new Cmd(key, amount, 0));
        model.merge(key, amount, Long::sum);
      }
    }
  }

  /** The Serializers.STRING form of a key, which is what key groups hash. */
  static byte[] utf(String key) {
    return io.aloft.engine.keyedstate.Bytes.serialize(Serializers.STRING, key);
  }

  static List<KeyedProcessor<String, Cmd, String>> instances(
      Aloft aloft, int parallelism, Location restoreFrom, List<String> out, boolean changed) {
    List<KeyedProcessor<String, Cmd, String>> ps = new ArrayList<>();
    for (int i = 0; i < parallelism; i++) {
      var b = aloft.keyedProcessor(new Sums(changed)).name("sums").keySelector(Cmd::key)
          .keySerializer(Serializers.STRING).instance(i, parallelism).output(out::add);
      if (restoreFrom != null) {
        b.restoreFrom(restoreFrom);
      }
      ps.add(b.build());
    }
    return ps;
  }

  static void read(List<KeyedProcessor<String, Cmd, String>> ps) {
    for (KeyedProcessor<String, Cmd, String> p : ps) {
      for (String key : KEYS) {
        if (p.keyGroupRange().contains(KeyGroups.keyGroupOf(utf(key), 128))) {
          p.processElement(new Cmd(key, Long.MIN_VALUE, 0));
        }
      }
      p.drain();
    }
  }

  /** Reads every key's sum through the processors' output. */
  static Map<String, Long> sums(List<KeyedProcessor<String, Cmd, String>> ps, List<String> out) {
    out.clear();
    read(ps);
    Map<String, Long> sums = new TreeMap<>();
    for (String line : out) {
      if (!line.contains("[") && line.contains("=") && !line.contains("fired")) {
        String[] kv = line.split("=");
        if (!kv[1].equals("null")) {
          sums.put(kv[0], Long.parseLong(kv[1]));
        }
      }
    }
    return sums;
  }

  static Checkpoint checkpointAll(List<KeyedProcessor<String, Cmd, String>> ps, long id) {
    Checkpoint last = null;
    for (KeyedProcessor<String, Cmd, String> p : ps) {
      last = p.checkpoint(id);
    }
    return last;
  }

  static void closeAll(List<KeyedProcessor<String, Cmd, String>> ps) {
    ps.forEach(KeyedProcessor::close);
  }

  @ParameterizedTest
  @ValueSource(strings = {"forst", "hashmap"})
  void restoreAtTheSameParallelismSeesEveryKeysState(String backend) {
    List<String> out = new ArrayList<>();
    Map<String, Long> model = new TreeMap<>();
    Location chk;
    try (Aloft aloft = Aloft.create(config(backend))) {
      var ps = instances(aloft, 1, null, out, false);
      feed(ps.get(0), 1, model);
      feed(ps.get(0), 2, model);
      chk = checkpointAll(ps, 1).location();
      feed(ps.get(0), 100, new TreeMap<>()); // after the checkpoint: must not be restored
      closeAll(ps);
    }
    try (Aloft aloft = Aloft.create(config(backend))) {
      var ps = instances(aloft, 1, chk, out, false);
      assertThat(sums(ps, out)).isEqualTo(model);
      closeAll(ps);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 4})
  void rescalingFromTwoInstancesGivesEachInstanceExactlyItsKeys(int newParallelism) {
    List<String> out = new ArrayList<>();
    Map<String, Long> model = new TreeMap<>();
    Location chk;
    try (Aloft aloft = Aloft.create(config("forst"))) {
      var ps = instances(aloft, 2, null, out, false);
      for (var p : ps) {
        feed(p, 1, model);
      }
      chk = checkpointAll(ps, 7).location();
      closeAll(ps);
    }
    try (Aloft aloft = Aloft.create(config("forst"))) {
      var ps = instances(aloft, newParallelism, chk, out, false);
      assertThat(sums(ps, out)).isEqualTo(model);
      // The restored instances keep working: another round lands on top of the restored state.
      Map<String, Long> next = new TreeMap<>(model);
      for (var p : ps) {
        feed(p, 5, next);
      }
      assertThat(sums(ps, out)).isEqualTo(next);
      closeAll(ps);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"forst", "hashmap"})
  void timersAreCheckpointedAndFireAfterRestore(String backend) {
    List<String> out = new ArrayList<>();
    Location chk;
    try (Aloft aloft = Aloft.create(config(backend))) {
      var ps = instances(aloft, 1, null, out, false);
      ps.get(0).processElement(new Cmd("key-1", 5, 1000));
      chk = checkpointAll(ps, 1).location();
      closeAll(ps);
    }
    try (Aloft aloft = Aloft.create(config(backend))) {
      var ps = instances(aloft, 1, chk, out, false);
      out.clear();
      ps.get(0).processWatermark(2000);
      assertThat(out).containsExactly("key-1 fired 1000=5");
      closeAll(ps);
    }
  }

  /** Checkpoint 1 of one instance that ran one round. */
  private Location oneCheckpoint(String backend) {
    try (Aloft aloft = Aloft.create(config(backend))) {
      var ps = instances(aloft, 1, null, new ArrayList<>(), false);
      feed(ps.get(0), 1, new TreeMap<>());
      Location chk = checkpointAll(ps, 1).location();
      closeAll(ps);
      return chk;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"forst", "hashmap"})
  void aStateRestoredWithAnotherSerializerIsAClearError(String backend) {
    List<String> out = new ArrayList<>();
    Location chk = oneCheckpoint(backend);
    try (Aloft aloft = Aloft.create(config(backend))) {
      assertThatThrownBy(() -> instances(aloft, 1, chk, out, true))
          .hasRootCauseInstanceOf(StateCompatibilityException.class)
          .rootCause()
          .hasMessageContaining("'sum'")
          .hasMessageContaining("checkpointed as VALUE with serializers [long v1]")
          .hasMessageContaining("string");
    }
  }

  /** Registers the value state "sum" of {@link Sums} as a list state. */
  static final class SumAsList extends KeyedProcessFunction<String, Cmd, String> {
    @Override
    public void open(StateContext c) {
      c.getListState(new io.aloft.state.ListStateDescriptor<>("sum", Serializers.LONG));
    }

    @Override
    public void processElement(Cmd cmd, Context<String> ctx, Collector<String> out) {}
  }

  @ParameterizedTest
  @ValueSource(strings = {"forst", "hashmap"})
  void aStateRestoredAsAnotherKindIsAClearError(String backend) {
    Location chk = oneCheckpoint(backend);
    try (Aloft aloft = Aloft.create(config(backend))) {
      assertThatThrownBy(
              () -> aloft.keyedProcessor(new SumAsList()).name("sums").keySelector(Cmd::key)
                  .keySerializer(Serializers.STRING).restoreFrom(chk).build())
          .hasRootCauseInstanceOf(StateCompatibilityException.class)
          .rootCause()
          .hasMessageContaining("'sum' was checkpointed as VALUE")
          .hasMessageContaining("now registered as LIST");
    }
  }

  @org.junit.jupiter.api.Test
  void forstCheckpointsReferenceFilesInsideTheCheckpointDirectoryAndCopyOthers() throws Exception {
    List<String> out = new ArrayList<>();
    try (Aloft aloft = Aloft.create(config("forst"))) {
      var ps = instances(aloft, 1, null, out, false);
      feed(ps.get(0), 1, new TreeMap<>());
      Checkpoint c = checkpointAll(ps, 1);
      assertThat(c.filesReferenced()).isPositive();
      assertThat(c.filesCopied()).isZero();
      assertThat(c.bytesCopied()).isZero();
      closeAll(ps);
    }
    Config elsewhere = config("forst").with("state.backend.forst.primary-dir", dir.resolve("primary").toString());
    try (Aloft aloft = Aloft.create(elsewhere)) {
      var ps = instances(aloft, 1, null, out, false);
      Map<String, Long> model = new TreeMap<>();
      feed(ps.get(0), 1, model);
      Checkpoint c = checkpointAll(ps, 2);
      assertThat(c.filesCopied()).isPositive();
      assertThat(c.bytesCopied()).isPositive();
      closeAll(ps);
      var restored = instances(aloft, 1, c.location(), out, false);
      assertThat(sums(restored, out)).isEqualTo(model);
      closeAll(restored);
    }
  }

  @org.junit.jupiter.api.Test
  void withThePrimaryDirectoryElsewhereIncrementalCheckpointsCopyOnlyWhatNoRetainedCheckpointHolds()
      throws Exception {
    List<String> out = new ArrayList<>();
    Map<String, Long> model = new TreeMap<>();
    Config elsewhere = config("forst").with("state.backend.forst.primary-dir", dir.resolve("primary").toString());
    try (Aloft aloft = Aloft.create(elsewhere)) {
      var ps = instances(aloft, 1, null, out, false);
      feed(ps.get(0), 1, model);
      Checkpoint first = checkpointAll(ps, 1);
      assertThat(first.filesCopied()).isPositive();
      assertThat(first.filesReferenced()).isZero();
      ps.get(0).processElement(new Cmd("key-1", 1, 0)); // one more flushed file by the next checkpoint
      model.merge("key-1", 1L, Long::sum);
      Checkpoint second = checkpointAll(ps, 2);
      assertThat(second.filesCopied()).as("the file flushed since checkpoint 1").isEqualTo(1);
      assertThat(second.filesReferenced()).as("checkpoint 1's copies, listed again").isEqualTo(first.filesCopied());
      Checkpoint third = checkpointAll(ps, 3); // subsumes 1 and 2; their copies stay while 3 lists them
      assertThat(third.filesCopied()).isZero();
      assertThat(Files.exists(dir.resolve("checkpoints/chk-1/sums-0of1.meta"))).isFalse();
      closeAll(ps);
      var restored = instances(aloft, 1, third.location(), out, false);
      assertThat(sums(restored, out)).isEqualTo(model);
      closeAll(restored);
    }
  }

  @org.junit.jupiter.api.Test
  void onlyTheRetainedCheckpointsRemainAndTheirFilesOutliveTheInstance() throws Exception {
    List<String> out = new ArrayList<>();
    Map<String, Long> model = new TreeMap<>();
    Location last = null;
    try (Aloft aloft = Aloft.create(config("forst").with("execution.checkpointing.num-retained", "2"))) {
      var ps = instances(aloft, 1, null, out, false);
      for (int round = 1; round <= 4; round++) {
        feed(ps.get(0), round, model);
        last = checkpointAll(ps, round).location();
      }
      closeAll(ps);
    }
    Path checkpoints = dir.resolve("checkpoints");
    assertThat(Files.exists(checkpoints.resolve("chk-1"))).isFalse();
    assertThat(Files.exists(checkpoints.resolve("chk-2"))).isFalse();
    assertThat(Files.exists(checkpoints.resolve("chk-3"))).isTrue();
    try (Aloft aloft = Aloft.create(config("forst"))) {
      var ps = instances(aloft, 1, last, out, false);
      assertThat(sums(ps, out)).isEqualTo(model);
      closeAll(ps);
    }
  }
}
