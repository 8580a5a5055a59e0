package io.aloft.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.RestoredInstance;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.backend.SnapshotRequest;
import io.aloft.spi.backend.SnapshotResult;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import io.aloft.state.StateDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restore below the engine: a backend restored from checkpoint parts of another parallelism holds
 * exactly the rows of its key groups — no fewer, and none of another instance's, even to a scan over
 * every key — in every column family, the default one and merge-operand rows included.
 */
class RocksDbRestoreTest {
  static final int MAX_PARALLELISM = 128;
  static final TableSpec VALUES = new TableSpec("values", StateDescriptor.Kind.VALUE, Optional.empty());
  static final TableSpec LISTS = new TableSpec("lists", StateDescriptor.Kind.LIST, Optional.empty());
  /** A state whose id is the name of RocksDB's default column family. */
  static final TableSpec DEFAULT = new TableSpec("default", StateDescriptor.Kind.MAP, Optional.empty());
  static final List<TableSpec> TABLES = List.of(VALUES, LISTS, DEFAULT);

  /** Shared by every test: parts are written once, and every restore only reads them. */
  @TempDir static Path dir;
  static StateFileSystem fs;
  static Location root;
  /** Every row the parts hold, per table. */
  static final Map<String, Map<String, String>> MODEL = new TreeMap<>();
  /** A checkpoint taken at parallelism 3 and one taken at parallelism 2, of the same rows. */
  static List<RestoredInstance> partsOf3;
  static List<RestoredInstance> partsOf2;

  @BeforeAll
  static void checkpointAtParallelismThreeAndTwo() throws IOException {
    fs = new LocalFileSystemProvider().create("file", Config.empty());
    root = Location.of(dir.resolve("checkpoints").toString());
    partsOf3 = partsAt(3, MODEL);
    Map<String, Map<String, String>> same = new TreeMap<>();
    partsOf2 = partsAt(2, same);
    assertThat(same).isEqualTo(MODEL);
  }

  static BackendContext context(KeyGroupRange range, String name, List<RestoredInstance> restored) {
    return new BackendContext(
        Config.empty(), MAX_PARALLELISM, range, name, location -> fs, InstantSource.system(), restored);
  }

  static RocksDbKeyedStateBackend open(KeyGroupRange range, String name, List<RestoredInstance> restored)
      throws IOException {
    return (RocksDbKeyedStateBackend)
        new RocksDbStateBackendFactory().create(context(range, name, restored));
  }

  /** A row key of {@code keyGroup}, shaped like the engine's. */
  static byte[] key(int keyGroup, int i) {
    byte[] suffix = ("k" + i).getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[suffix.length + 2];
    key[0] = (byte) (keyGroup >>> 8);
    key[1] = (byte) keyGroup;
    System.arraycopy(suffix, 0, key, 2, suffix.length);
    return key;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Every row of every table, as hex key → text value per table. */
  static Map<String, Map<String, String>> allRows(RocksDbKeyedStateBackend backend) throws IOException {
    Map<String, Map<String, String>> all = new TreeMap<>();
    for (TableSpec spec : TABLES) {
      StateTable table = backend.table(spec);
      Map<String, String> rows = new TreeMap<>();
      ScanPage page = table.scan(new byte[0], null, 500);
      while (true) {
        for (KeyValue row : page.rows()) {
          rows.put(HexFormat.of().formatHex(row.key()), new String(row.value(), StandardCharsets.UTF_8));
        }
        if (!page.hasMore()) {
          break;
        }
        page = table.scan(new byte[0], page.lastKey(), 500);
      }
      all.put(spec.name(), rows);
    }
    return all;
  }

  /** The rows of {@code model} whose key group is in {@code range}. */
  static Map<String, Map<String, String>> within(
      Map<String, Map<String, String>> model, KeyGroupRange range) {
    Map<String, Map<String, String>> result = new TreeMap<>();
    model.forEach(
        (table, rows) -> {
          Map<String, String> kept = new TreeMap<>();
          rows.forEach(
              (hex, value) -> {
                if (range.contains(Integer.parseInt(hex.substring(0, 4), 16))) {
                  kept.put(hex, value);
                }
              });
          result.put(table, kept);
        });
    return result;
  }

  /**
   * Writes rows into every key group of {@code range} (each list row as two merge operands, one
   * before the checkpoint's first flush and one after), checkpoints twice, and returns the second
   * checkpoint's part.
   */
  static RestoredInstance checkpointedPart(KeyGroupRange range, String name, Map<String, Map<String, String>> model)
      throws IOException {
    try (RocksDbKeyedStateBackend backend = open(range, name, List.of())) {
      for (int round = 0; round < 2; round++) {
        for (int group = range.startKeyGroup(); group <= range.endKeyGroup(); group++) {
          for (int i = 0; i < 5; i++) {
            byte[] key = key(group, i);
            String hex = HexFormat.of().formatHex(key);
            backend.table(VALUES).put(key, bytes("v" + round));
            model.computeIfAbsent("values", t -> new TreeMap<>()).put(hex, "v" + round);
            backend.table(LISTS).append(key, bytes("e" + round));
            model.computeIfAbsent("lists", t -> new TreeMap<>()).merge(hex, "e" + round, String::concat);
            backend.table(DEFAULT).put(key, bytes("m" + group));
            model.computeIfAbsent("default", t -> new TreeMap<>()).put(hex, "m" + group);
          }
        }
        SnapshotResult result = backend.snapshot(request(round + 1));
        if (round == 1) {
          backend.checkpointSubsumed(1);
          return new RestoredInstance(range, result.metadata(), root);
        }
      }
      throw new AssertionError("unreachable");
    }
  }

  static SnapshotRequest request(long id) {
    return new SnapshotRequest(id, root, root.resolve("chk-" + id), true);
  }

  static List<RestoredInstance> partsAt(int parallelism, Map<String, Map<String, String>> model)
      throws IOException {
    List<RestoredInstance> parts = new ArrayList<>();
    for (int i = 0; i < parallelism; i++) {
      parts.add(
          checkpointedPart(
              KeyGroupRange.forInstance(MAX_PARALLELISM, parallelism, i), "old-" + i + "of" + parallelism, model));
    }
    return parts;
  }

  static List<RestoredInstance> overlapping(List<RestoredInstance> parts, KeyGroupRange range) {
    return parts.stream()
        .filter(
            p ->
                p.keyGroupRange().endKeyGroup() >= range.startKeyGroup()
                    && p.keyGroupRange().startKeyGroup() <= range.endKeyGroup())
        .toList();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void aRestoredInstanceHoldsExactlyTheRowsOfItsKeyGroups(int newParallelism) throws IOException {
    for (int i = 0; i < newParallelism; i++) {
      KeyGroupRange range = KeyGroupRange.forInstance(MAX_PARALLELISM, newParallelism, i);
      try (RocksDbKeyedStateBackend backend =
          open(range, "new-" + i + "of" + newParallelism, overlapping(partsOf3, range))) {
        assertThat(allRows(backend)).as("instance %d of %d, %s", i, newParallelism, range)
            .isEqualTo(within(MODEL, range));
      }
    }
  }

  @Test
  void aCheckpointOfARescaledInstanceRestoresItsRowsOnly() throws IOException {
    KeyGroupRange middle = KeyGroupRange.forInstance(MAX_PARALLELISM, 3, 1);
    RestoredInstance again;
    try (RocksDbKeyedStateBackend backend = open(middle, "new-1of3", overlapping(partsOf2, middle))) {
      SnapshotResult result = backend.snapshot(request(10));
      // The base part's SST files came with the restore: listed, not uploaded again.
      assertThat(result.filesReferenced()).isPositive();
      again = new RestoredInstance(middle, result.metadata(), root);
    }
    KeyGroupRange all = KeyGroupRange.all(MAX_PARALLELISM);
    try (RocksDbKeyedStateBackend backend = open(all, "all", List.of(again))) {
      assertThat(allRows(backend)).isEqualTo(within(MODEL, middle));
    }
  }

  @Test
  void aMissingCheckpointFileFailsTheRestoreNamingItAndLeavesNoWorkingDirectory() throws IOException {
    KeyGroupRange all = KeyGroupRange.all(MAX_PARALLELISM);
    RestoredInstance part = checkpointedPart(all, "lost-file", new TreeMap<>());
    RocksDbSnapshot snapshot = RocksDbSnapshot.decode(part.metadata(), "test");
    RocksDbSnapshot.DbFile sst =
        snapshot.files().stream().filter(RocksDbSnapshot.DbFile::isSst).findFirst().orElseThrow();
    Files.delete(dir.resolve("checkpoints").resolve(sst.location()));

    assertThatThrownBy(() -> open(all, "restore-lost-file", List.of(part)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(sst.location());
    Path workingDirs = Path.of(System.getProperty("java.io.tmpdir"), "aloft-rocksdb");
    try (Stream<Path> dirs = Files.list(workingDirs)) {
      assertThat(dirs.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith("restore-lost-file-"));
    }
  }
}
