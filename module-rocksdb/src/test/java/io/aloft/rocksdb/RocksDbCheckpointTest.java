package io.aloft.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.engine.checkpoint.InstanceCheckpoint;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.process.KeyGroups;
import io.aloft.engine.keyedstate.Bytes;
import io.aloft.process.Checkpoint;
import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import io.aloft.state.ListState;
import io.aloft.state.ListStateDescriptor;
import io.aloft.state.MapState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoints of the {@code rocksdb} backend through the public API, against a model of every key's
 * state: restore at the same parallelism, rescaling, incremental uploads, deletion of what only
 * subsumed checkpoints listed, and a stale instance next to its successor.
 */
class RocksDbCheckpointTest {
  static final int MAX_PARALLELISM = 128;
  static final long READ = Long.MIN_VALUE;

  @TempDir Path dir;

  /** Adds {@code amount} to {@code key}'s state, or (amount {@link #READ}) emits that state. */
  record Add(String key, long amount) {}

  /**
   * Keeps, per key, the sum of the amounts (value state), every amount in order (list state: merge
   * operands in RocksDB) and how often each amount came (map state).
   */
  static final class Tally extends KeyedProcessFunction<String, Add, String> {
    ValueState<Long> sum;
    ListState<Long> amounts;
    MapState<Long, Long> counts;

    @Override
    public void open(StateContext c) {
      sum = c.getState(new ValueStateDescriptor<>("sum", Serializers.LONG));
      amounts = c.getListState(new ListStateDescriptor<>("amounts", Serializers.LONG));
      counts = c.getMapState(new MapStateDescriptor<>("counts", Serializers.LONG, Serializers.LONG));
    }

    @Override
    public void processElement(Add add, Context<String> ctx, Collector<String> out) {
      if (add.amount() == READ) {
        Long total = sum.value();
        if (total != null) {
          List<Long> list = new ArrayList<>();
          amounts.get().forEach(list::add);
          Map<Long, Long> byAmount = new TreeMap<>();
          counts.entries().forEach(e -> byAmount.put(e.getKey(), e.getValue()));
          out.collect(add.key() + " " + new KeyState(total, list, byAmount));
        }
        return;
      }
      Long total = sum.value();
      sum.update((total == null ? 0 : total) + add.amount());
      amounts.add(add.amount());
      Long n = counts.get(add.amount());
      counts.put(add.amount(), n == null ? 1 : n + 1);
    }
  }

  /** One key's state as {@link Tally} emits it; the model builds the same. */
  record KeyState(long sum, List<Long> amounts, Map<Long, Long> counts) {
    static final KeyState EMPTY = new KeyState(0, List.of(), Map.of());

    KeyState plus(long amount) {
      List<Long> list = new ArrayList<>(amounts);
      list.add(amount);
      Map<Long, Long> byAmount = new TreeMap<>(counts);
      byAmount.merge(amount, 1L, Long::sum);
      return new KeyState(sum + amount, List.copyOf(list), byAmount);
    }

    @Override
    public String toString() {
      return "sum=" + sum + " amounts=" + amounts + " counts=" + counts;
    }
  }

  Config config() {
    return Config.empty()
        .with("state.backend.type", "rocksdb")
        .with("execution.checkpointing.dir", checkpoints().toString());
  }

  Path checkpoints() {
    return dir.resolve("checkpoints");
  }

  static List<String> keys(int count) {
    return Stream.iterate(0, i -> i + 1).limit(count).map(i -> "key-" + i).toList();
  }

  static final List<String> KEYS = keys(500);

  static List<KeyedProcessor<String, Add, String>> instances(
      Aloft aloft, int parallelism, Location restoreFrom, List<String> out) {
    List<KeyedProcessor<String, Add, String>> ps = new ArrayList<>();
    for (int i = 0; i < parallelism; i++) {
      var b =
          aloft
              .keyedProcessor(new Tally())
              .name("tally")
              .keySelector(Add::key)
              .keySerializer(Serializers.STRING)
              .instance(i, parallelism)
              .output(out::add);
      if (restoreFrom != null) {
        b.restoreFrom(restoreFrom);
      }
      ps.add(b.build());
    }
    return ps;
  }

  static boolean owns(KeyedProcessor<String, Add, String> p, String key) {
    byte[] serialized = Bytes.serialize(Serializers.STRING, key);
    return p.keyGroupRange().contains(KeyGroups.keyGroupOf(serialized, MAX_PARALLELISM));
  }

  /** Adds one amount to each of {@code keys} that {@code p} owns, in the model too. */
  static void feed(
      KeyedProcessor<String, Add, String> p, List<String> keys, int round, Map<String, KeyState> model) {
    for (String key : keys) {
      if (owns(p, key)) {
        long amount = (key.hashCode() & 7) + round;
        p.processElement(new Add(key, amount));
        model.merge(key, KeyState.EMPTY.plus(amount), (old, one) -> old.plus(amount));
      }
    }
  }

  static void feedAll(
      List<KeyedProcessor<String, Add, String>> ps, int round, Map<String, KeyState> model) {
    for (var p : ps) {
      feed(p, KEYS, round, model);
    }
  }

  /** Every key's state as the instances emit it. */
  static Map<String, String> read(List<KeyedProcessor<String, Add, String>> ps, List<String> out) {
    return read(ps, out, KEYS);
  }

  /** The state of each of {@code keys} as the instances emit it. */
  static Map<String, String> read(
      List<KeyedProcessor<String, Add, String>> ps, List<String> out, List<String> keys) {
    out.clear();
    for (var p : ps) {
      for (String key : keys) {
        if (owns(p, key)) {
          p.processElement(new Add(key, READ));
        }
      }
      p.drain();
    }
    Map<String, String> state = new TreeMap<>();
    for (String line : out) {
      int space = line.indexOf(' ');
      String previous = state.put(line.substring(0, space), line.substring(space + 1));
      assertThat(previous).as("a second instance emitted %s", line).isNull();
    }
    return state;
  }

  static Map<String, String> expected(Map<String, KeyState> model) {
    Map<String, String> state = new TreeMap<>();
    model.forEach((key, value) -> state.put(key, value.toString()));
    return state;
  }

  static Checkpoint checkpointAll(List<KeyedProcessor<String, Add, String>> ps, long id) {
    Checkpoint last = null;
    for (var p : ps) {
      last = p.checkpoint(id);
    }
    return last;
  }

  static void closeAll(List<KeyedProcessor<String, Add, String>> ps) {
    ps.forEach(KeyedProcessor::close);
  }

  /** Restores {@code checkpoint} at {@code parallelism}, in a new Aloft, and checks every key's state. */
  void assertRestores(Location checkpoint, int parallelism, Map<String, String> expected) {
    List<String> out = new ArrayList<>();
    try (Aloft aloft = Aloft.create(config())) {
      var ps = instances(aloft, parallelism, checkpoint, out);
      assertThat(read(ps, out))
          .as("restored from %s at parallelism %d", checkpoint, parallelism)
          .isEqualTo(expected);
      closeAll(ps);
    }
  }

  @Test
  void restoreAtTheSameParallelismSeesEveryKeysState() {
    List<String> out = new ArrayList<>();
    Map<String, KeyState> model = new TreeMap<>();
    Location chk;
    try (Aloft aloft = Aloft.create(config())) {
      var ps = instances(aloft, 2, null, out);
      feedAll(ps, 1, model);
      checkpointAll(ps, 1);
      feedAll(ps, 2, model);
      chk = checkpointAll(ps, 2).location();
      feedAll(ps, 100, new TreeMap<>()); // after the checkpoint: must not be restored
      closeAll(ps);
    }
    assertRestores(chk, 2, expected(model));
  }

  @Test
  void aRestoredInstanceCheckpointsOnTopOfTheRestoredFiles() {
    List<String> out = new ArrayList<>();
    Map<String, KeyState> model = new TreeMap<>();
    Location first;
    try (Aloft aloft = Aloft.create(config())) {
      var ps = instances(aloft, 1, null, out);
      feedAll(ps, 1, model);
      first = checkpointAll(ps, 1).location();
      closeAll(ps);
    }
    Checkpoint second;
    try (Aloft aloft = Aloft.create(config())) {
      var ps = instances(aloft, 1, first, out);
      feed(ps.get(0), KEYS.subList(0, 10), 2, model);
      second = checkpointAll(ps, 2);
      closeAll(ps);
    }
    // The restored SST files are listed again, not uploaded again.
    assertThat(second.filesReferenced()).isPositive();
    assertRestores(second.location(), 1, expected(model));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void rescalingFromTwoInstancesGivesEachInstanceExactlyItsKeys(int newParallelism) {
    List<String> out = new ArrayList<>();
    Map<String, KeyState> model = new TreeMap<>();
    Location chk;
    try (Aloft aloft = Aloft.create(config())) {
      var ps = instances(aloft, 2, null, out);
      feedAll(ps, 1, model);
      checkpointAll(ps, 1);
      feedAll(ps, 2, model); // rows in SST files and in memtables at the second checkpoint
      chk = checkpointAll(ps, 2).location();
      closeAll(ps);
    }
    try (Aloft aloft = Aloft.create(config())) {
      var ps = instances(aloft, newParallelism, chk, out);
      assertThat(read(ps, out)).isEqualTo(expected(model));
      // The restored instances keep working, and checkpoint and restore again at the new parallelism.
      feedAll(ps, 5, model);
      assertThat(read(ps, out)).isEqualTo(expected(model));
      Location again = checkpointAll(ps, 3).location();
      closeAll(ps);
      assertRestores(again, newParallelism, expected(model));
    }
  }

  @Test
  void aSecondCheckpointAfterFewChangesUploadsOnlyTheNewSstFiles() {
    List<String> out = new ArrayList<>();
    Map<String, KeyState> model = new TreeMap<>();
    List<String> many = keys(10_000);
    try (Aloft aloft = Aloft.create(config())) {
      var ps = instances(aloft, 1, null, out);
      feed(ps.get(0), many, 1, model);
      Checkpoint first = checkpointAll(ps, 1);
      feed(ps.get(0), many.subList(0, 10), 2, model);
      Checkpoint second = checkpointAll(ps, 2);
      closeAll(ps);

      assertThat(first.filesReferenced()).isZero();
      assertThat(first.filesCopied()).isPositive();
      // One SST file per state stays as it was: listed, not uploaded.
      assertThat(second.filesReferenced()).isEqualTo(3);
      assertThat(second.bytesCopied())
          .as("bytes uploaded by the second checkpoint; the first uploaded %d", first.bytesCopied())
          .isLessThan(first.bytesCopied() / 10);
      assertThat(second.bytesWritten()).isLessThan(first.bytesWritten() / 5);

      var restored = instances(aloft, 1, second.location(), out);
      feed(restored.get(0), many.subList(0, 1), 3, model);
      out.clear();
      restored.get(0).processElement(new Add(many.get(0), READ));
      assertThat(out).containsExactly(many.get(0) + " " + model.get(many.get(0)));
      closeAll(restored);
    }
  }

  @Test
  void withoutIncrementalCheckpointsEveryCheckpointUploadsEveryFile() {
    List<String> out = new ArrayList<>();
    Map<String, KeyState> model = new TreeMap<>();
    Config full = config().with("execution.checkpointing.incremental", "false");
    try (Aloft aloft = Aloft.create(full)) {
      var ps = instances(aloft, 1, null, out);
      feedAll(ps, 1, model);
      Checkpoint first = checkpointAll(ps, 1);
      feed(ps.get(0), KEYS.subList(0, 10), 2, model);
      Checkpoint second = checkpointAll(ps, 2);
      closeAll(ps);

      assertThat(second.filesReferenced()).isZero();
      assertThat(second.filesCopied()).isGreaterThan(first.filesCopied());
      assertThat(second.bytesCopied()).isGreaterThan(first.bytesCopied());
      assertRestores(second.location(), 1, expected(model));
    }
  }

  @Test
  void subsumedCheckpointsFilesAreDeletedAndRetainedOnesRestore() throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, KeyState> model = new TreeMap<>();
    Map<Integer, Map<String, String>> expectedAt = new TreeMap<>();
    int rounds = 8;
    Set<Path> firstUploads;
    try (Aloft aloft = Aloft.create(config().with("execution.checkpointing.num-retained", "2"))) {
      var ps = instances(aloft, 1, null, out);
      feedAll(ps, 1, model);
      checkpointAll(ps, 1);
      expectedAt.put(1, expected(model));
      firstUploads = sharedFiles();
      // Every round rewrites every key: level-0 compactions soon replace the first SST files.
      for (int round = 2; round <= rounds; round++) {
        feedAll(ps, round, model);
        checkpointAll(ps, round);
        expectedAt.put(round, expected(model));
      }
      closeAll(ps);
    }
    for (int id = 1; id <= rounds - 2; id++) {
      assertThat(checkpoints().resolve("chk-" + id)).doesNotExist();
    }
    Set<Path> listed = new HashSet<>();
    listed.addAll(sharedFilesListedBy(rounds - 1));
    listed.addAll(sharedFilesListedBy(rounds));
    // Exactly what the retained checkpoints list is left: nothing they need is gone, nothing else stays.
    assertThat(sharedFiles()).isEqualTo(listed);
    assertThat(firstUploads).as("SST files of the first checkpoint").isNotEmpty();
    assertThat(listed).as("files still listed").doesNotContainAnyElementsOf(firstUploads);

    for (int id : List.of(rounds - 1, rounds)) {
      assertRestores(Location.of(checkpoints().resolve("chk-" + id).toString()), 1, expectedAt.get(id));
    }
  }

  /**
   * After a rescale, the restored instances list the SST files they downloaded where they are; once
   * compaction has replaced them and the restored checkpoint is subsumed, the engine's checkpoint store
   * deletes them (and the earlier run's checkpoint), leaving only what the new run's checkpoints list.
   */
  @Test
  void filesARestoreInheritedAreDeletedOnceTheNewRunNoLongerListsThem() throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, KeyState> model = new TreeMap<>();
    Set<Path> firstRun;
    try (Aloft aloft = Aloft.create(config())) {
      var first = instances(aloft, 2, null, out);
      feedAll(first, 1, model);
      checkpointAll(first, 1);
      closeAll(first);
      firstRun = sharedFiles();
      assertThat(firstRun).isNotEmpty();

      var second = instances(aloft, 3, Location.of(checkpoints().resolve("chk-1").toString()), out);
      long last = 1;
      // Every round rewrites every key: level-0 compactions soon replace the restored SST files.
      for (int round = 2; round <= 10 && !java.util.Collections.disjoint(sharedFiles(), firstRun); round++) {
        feedAll(second, round, model);
        last = checkpointAll(second, round).id();
      }
      closeAll(second);
      assertThat(sharedFiles()).as("SST files of the first run").doesNotContainAnyElementsOf(firstRun);
      assertThat(checkpoints().resolve("chk-1")).doesNotExist();
      assertThat(sharedFiles()).isEqualTo(sharedFilesListedBy((int) last));
      assertRestores(Location.of(checkpoints().resolve("chk-" + last).toString()), 2, expected(model));
    }
  }

  @Test
  void aStaleInstanceThatKeepsCheckpointingCannotHarmItsSuccessorsCheckpoints() {
    List<String> out = new ArrayList<>();
    Map<String, KeyState> model = new TreeMap<>();
    try (Aloft aloft = Aloft.create(config())) {
      var zombie = instances(aloft, 1, null, out);
      feedAll(zombie, 1, model);
      Location chk = checkpointAll(zombie, 1).location();
      var successor = instances(aloft, 1, chk, out);
      // Both go on under the same instance name, with the same RocksDB file numbers after the restore;
      // the zombie, fenced by the restore, can no longer complete (or subsume) a checkpoint.
      for (int round = 2; round < 6; round++) {
        feedAll(zombie, round, new TreeMap<>());
        int id = round;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> checkpointAll(zombie, id))
            .hasMessageContaining("was fenced");
        feedAll(successor, 100 + round, model);
        checkpointAll(successor, 100 + round);
      }
      closeAll(zombie);
      Location last = checkpointAll(successor, 200).location();
      closeAll(successor);
      assertRestores(last, 1, expected(model));
    }
  }

  /** Every file below {@code <checkpoints>/shared}. */
  Set<Path> sharedFiles() throws IOException {
    Path shared = checkpoints().resolve("shared");
    if (!Files.exists(shared)) {
      return Set.of();
    }
    try (Stream<Path> files = Files.walk(shared)) {
      return files.filter(Files::isRegularFile).collect(Collectors.toSet());
    }
  }

  /** The shared files the parts of checkpoint {@code id} list. */
  Set<Path> sharedFilesListedBy(int id) throws IOException {
    StateFileSystem fs = new LocalFileSystemProvider().create("file", Config.empty());
    Location chk = Location.of(checkpoints().resolve("chk-" + id).toString());
    Set<Path> listed = new HashSet<>();
    for (InstanceCheckpoint part : InstanceCheckpoint.readAll(fs, chk)) {
      RocksDbSnapshot snapshot = RocksDbSnapshot.decode(part.backendMetadata(), "chk-" + id);
      for (RocksDbSnapshot.DbFile file : snapshot.files()) {
        if (file.location().startsWith("shared/")) {
          listed.add(checkpoints().resolve(file.location()));
        }
      }
    }
    return listed;
  }
}
