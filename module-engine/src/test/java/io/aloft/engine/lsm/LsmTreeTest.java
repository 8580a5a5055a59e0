package io.aloft.engine.lsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.block.Compression;
import io.aloft.engine.lsm.block.SstCorruptionException;
import io.aloft.engine.testkit.RemoteShapedFileSystem;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LsmTreeTest {
  @TempDir Path dir;
  StateFileSystem local;
  Location primary;

  @BeforeEach
  void setUp() throws Exception {
    local = new LocalFileSystemProvider().create("file", Config.empty());
    primary = Location.of(dir.resolve("primary").toString());
  }

  static LsmOptions small() {
    return new LsmOptions(64 << 10, 2, 4096, 10, List.of(Compression.LZ4), 256 << 10, 1 << 20, 4, 20, 1 << 20, 2);
  }

  LsmTree open(StateFileSystem fs, CompactionFilter filter, KeyGroupRange clip) throws Exception {
    return LsmTree.open(small(), fs, primary, dir.resolve("local"), filter, clip, InstantSource.system());
  }

  /** Key group {@code group}, then the text. */
  static byte[] key(int group, String text) {
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[2 + t.length];
    key[0] = (byte) (group >>> 8);
    key[1] = (byte) group;
    System.arraycopy(t, 0, key, 2, t.length);
    return key;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  void fill(LsmTree tree, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      tree.put(key(i % 4, String.format("key-%08d", i)), bytes("value-" + i + "-".repeat(50)));
    }
  }

  @Test
  void aCompactionSplitIntoKeyRangesWritesOneSortedLevelWithEveryKeyOnce() throws Exception {
    // 3 compaction threads and 64 KiB target files: compactAll of ~1.4 MB splits into three ranges.
    LsmOptions options =
        new LsmOptions(64 << 10, 2, 4096, 10, List.of(Compression.LZ4), 64 << 10, 1 << 20, 4, 20, 1 << 20, 3);
    int n = 20_000;
    try (LsmTree tree = LsmTree.open(options, local, primary, dir.resolve("local"), CompactionFilter.NONE, null,
        InstantSource.system())) {
      fill(tree, n);
      for (int i = 0; i < n; i += 3) { // newer versions and deletes, so that the merge decides
        if (i % 2 == 0) {
          tree.delete(key(i % 4, String.format("key-%08d", i)));
        } else {
          tree.put(key(i % 4, String.format("key-%08d", i)), bytes("newer-" + i));
        }
      }
      tree.flush();
      tree.compactAll();

      List<List<FileMeta>> levels = tree.levels();
      List<FileMeta> files = levels.stream().filter(l -> !l.isEmpty()).findFirst().orElseThrow();
      assertThat(levels.stream().filter(l -> !l.isEmpty())).hasSize(1);
      assertThat(files.size()).isGreaterThan(3);
      for (int i = 1; i < files.size(); i++) {
        assertThat(java.util.Arrays.compareUnsigned(files.get(i - 1).largestKey(), files.get(i).smallestKey()))
            .as("files %d and %d overlap", i - 1, i).isNegative();
      }
      long entries = files.stream().mapToLong(FileMeta::entryCount).sum();
      int deleted = (n + 5) / 6;
      assertThat(entries).isEqualTo(n - deleted); // one version per key, no tombstones at the bottom
      for (int i = 0; i < n; i++) {
        byte[] value = tree.get(key(i % 4, String.format("key-%08d", i)));
        byte[] expected =
            i % 3 != 0 ? bytes("value-" + i + "-".repeat(50)) : i % 2 == 0 ? null : bytes("newer-" + i);
        assertThat(value).as("key %d", i).isEqualTo(expected);
      }
    }
  }

  @Test
  void writesSurviveFlushCompactionAndReopen() throws Exception {
    try (LsmTree tree = open(local, CompactionFilter.NONE, null)) {
      fill(tree, 20_000);
      tree.flush();
      tree.awaitBackgroundWork();
      assertThat(tree.metrics().flushes()).isGreaterThan(1);
    }
    try (LsmTree tree = open(local, CompactionFilter.NONE, null)) {
      assertThat(tree.get(key(3, "key-00000007"))).isEqualTo(bytes("value-7" + "-".repeat(50)));
      tree.compactAll();
      assertThat(tree.levels().get(0)).isEmpty();
      assertThat(tree.get(key(1, "key-00019997"))).isEqualTo(bytes("value-19997" + "-".repeat(50)));
    }
  }

  @Test
  void compactionDropsKeysOutsideTheKeyGroupRange() throws Exception {
    try (LsmTree tree = open(local, CompactionFilter.NONE, new KeyGroupRange(0, 1))) {
      fill(tree, 4_000);
      tree.compactAll();
      long entries = tree.levels().stream().flatMap(List::stream).mapToLong(FileMeta::entryCount).sum();
      assertThat(entries).isEqualTo(2_000);
      for (FileMeta f : tree.levels().stream().flatMap(List::stream).toList()) {
        assertThat(f.maxKeyGroup()).isLessThanOrEqualTo(1);
      }
    }
  }

  @Test
  void compactionAppliesTheFilterAndDeletesWhatItDrops() throws Exception {
    CompactionFilter dropOdd = (k, v, now) -> (k[k.length - 1] & 1) == 1 ? null : v;
    try (LsmTree tree = open(local, dropOdd, null)) {
      fill(tree, 1_000);
      tree.compactAll();
      assertThat(tree.get(key(1, "key-00000001"))).isNull();
      assertThat(tree.get(key(2, "key-00000002"))).isNotNull();
    }
  }

  @Test
  void aRangeDeleteHidesEveryKeyInItsRangeAcrossLevels() throws Exception {
    try (LsmTree tree = open(local, CompactionFilter.NONE, null)) {
      fill(tree, 2_000);
      tree.compactAll();
      tree.deleteRange(key(0, "key-00000100"), key(0, "key-00000200"));
      assertThat(tree.get(key(0, "key-00000104"))).isNull();
      assertThat(tree.get(key(0, "key-00000200"))).isNotNull();
      tree.flush();
      assertThat(tree.get(key(0, "key-00000104"))).isNull();
      tree.put(key(0, "key-00000104"), bytes("again"));
      tree.compactAll();
      assertThat(tree.get(key(0, "key-00000104"))).isEqualTo(bytes("again"));
      assertThat(tree.get(key(0, "key-00000108"))).isNull();
      assertThat(tree.scan(key(0, "key-000001"), null, 1000).rows()).hasSize(1);
    }
  }

  @Test
  void aCorruptedFileIsReportedWithItsNameNeverReadAsData() throws Exception {
    try (LsmTree tree = open(local, CompactionFilter.NONE, null)) {
      fill(tree, 3_000);
      tree.compactAll();
    }
    Path sst;
    try (var files = Files.list(dir.resolve("primary"))) {
      sst = files.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(sst.toFile(), "rw")) {
      f.seek(100);
      int b = f.read();
      f.seek(100);
      f.write(b ^ 0x10);
    }
    try (LsmTree tree = open(local, CompactionFilter.NONE, null)) {
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 3_000; i++) {
                  tree.get(key(i % 4, String.format("key-%08d", i)));
                }
              })
          .isInstanceOf(SstCorruptionException.class)
          .hasMessageContaining(sst.getFileName().toString());
    }
  }

  @Test
  void aMissingFileIsReportedWithItsLocation() throws Exception {
    try (LsmTree tree = open(local, CompactionFilter.NONE, null)) {
      fill(tree, 1_000);
      tree.compactAll();
    }
    Path sst;
    try (var files = Files.list(dir.resolve("primary"))) {
      sst = files.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
    }
    Files.delete(sst);
    try (LsmTree tree = open(local, CompactionFilter.NONE, null)) {
      assertThatThrownBy(() -> tree.get(key(0, "key-00000000")))
          .isInstanceOf(NoSuchFileException.class)
          .hasMessageContaining(sst.getFileName().toString());
    }
  }

  @Test
  void remoteReadsPerGetAreAboutZeroForAbsentKeysAndOneBlockForPresentOnes() throws Exception {
    int n = 20_000;
    try (LsmTree tree = open(local, CompactionFilter.NONE, null)) {
      fill(tree, n);
      tree.compactAll();
    }
    RemoteShapedFileSystem remote = new RemoteShapedFileSystem(local, Duration.ofMillis(1));
    try (LsmTree tree =
        LsmTree.open(
            new LsmOptions(64 << 10, 2, 4096, 10, List.of(Compression.LZ4), 256 << 10, 1 << 20, 4, 20, 0, 2),
            remote, primary, dir.resolve("local"), CompactionFilter.NONE, null, InstantSource.system())) {
      int files = tree.levels().stream().mapToInt(List::size).sum();
      // Warm: open every file once (one tail read each).
      for (int i = 0; i < n; i += 97) {
        tree.get(key(i % 4, String.format("key-%08d", i)));
      }
      long before = remote.readRequests();
      int absent = 2_000;
      for (int i = 0; i < absent; i++) {
        assertThat(tree.get(key(i % 4, String.format("absent-%08d", i)))).isNull();
      }
      double perAbsentGet = (double) (remote.readRequests() - before) / absent;
      before = remote.readRequests();
      int present = 2_000;
      for (int i = 0; i < present; i++) {
        int k = (i * 7919) % n;
        assertThat(tree.get(key(k % 4, String.format("key-%08d", k)))).isNotNull();
      }
      double perPresentGet = (double) (remote.readRequests() - before) / present;
      System.out.printf(
          "remote reads per get over %d files (block cache off): absent %.3f, present %.3f%n",
          files, perAbsentGet, perPresentGet);
      assertThat(perAbsentGet).isLessThan(0.1);
      assertThat(perPresentGet).isBetween(0.9, 1.1);
    }
  }

  @Test
  void aMultiGetFetchesEachDataBlockItNeedsOnce() throws Exception {
    int n = 20_000;
    try (LsmTree tree = open(local, CompactionFilter.NONE, null)) {
      fill(tree, n);
      tree.compactAll();
    }
    RemoteShapedFileSystem remote = new RemoteShapedFileSystem(local, Duration.ZERO);
    try (LsmTree tree =
        LsmTree.open(
            new LsmOptions(64 << 10, 2, 4096, 10, List.of(Compression.LZ4), 256 << 10, 1 << 20, 4, 20, 0, 2),
            remote, primary, dir.resolve("local"), CompactionFilter.NONE, null, InstantSource.system())) {
      // 100 neighbouring keys of key group 0 (about 60 bytes each: two or three 4 KiB blocks), asked for
      // out of order, with each key asked twice.
      List<byte[]> keys = new java.util.ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int k = 4 * ((i * 37) % 100);
        keys.add(key(0, String.format("key-%08d", k)));
        keys.add(key(0, String.format("key-%08d", k)));
      }
      tree.multiGet(List.of(keys.get(0))); // opens the file: one tail read
      long before = remote.readRequests();

      List<byte[]> values = tree.multiGet(keys);

      long reads = remote.readRequests() - before;
      for (int i = 0; i < keys.size(); i++) {
        int k = 4 * (((i / 2) * 37) % 100);
        assertThat(values.get(i)).isEqualTo(bytes("value-" + k + "-".repeat(50)));
      }
      // One read per distinct block (the block cache is off); key by key it would be 200.
      assertThat(reads).isBetween(2L, 4L);
    }
  }

  @Test
  void compactionReadsItsInputsInRunsOfBlocksNotBlockByBlock() throws Exception {
    RemoteShapedFileSystem remote = new RemoteShapedFileSystem(local, Duration.ZERO);
    LsmOptions options =
        new LsmOptions(256 << 10, 2, 4096, 10, List.of(Compression.LZ4), 4 << 20, 64 << 20, 4, 20, 0, 2);
    try (LsmTree tree =
        LsmTree.open(options, remote, primary, dir.resolve("local"), CompactionFilter.NONE, null,
            InstantSource.system())) {
      fill(tree, 100_000);
      tree.flush();
      int inputFiles = tree.levels().stream().mapToInt(List::size).sum();
      long inputBytes = tree.levels().stream().flatMap(List::stream).mapToLong(f -> f.size()).sum();
      long before = remote.readRequests();

      tree.compactAll();

      long reads = remote.readRequests() - before;
      long blocks = inputBytes / 4096; // data blocks hold 4 KiB uncompressed: at least this many
      // Block-by-block would be one request per data block; with 2 MiB read-ahead it is one run per
      // input file per 2 MiB, plus at most one tail read per file opened.
      System.out.printf(
          "compaction of %d files, %,d bytes (>= %d blocks): %d remote reads%n", inputFiles, inputBytes, blocks, reads);
      assertThat(reads)
          .isLessThanOrEqualTo(2L * inputFiles + inputBytes / LsmTree.COMPACTION_READAHEAD_BYTES)
          .isLessThan(blocks / 4);
    }
  }
}
