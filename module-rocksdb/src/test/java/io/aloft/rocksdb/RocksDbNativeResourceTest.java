package io.aloft.rocksdb;

import static io.aloft.rocksdb.RocksDbTableTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import io.aloft.state.StateDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.rocksdb.MemoryUsageType;

/**
 * Native memory does not grow with the number of backends opened and closed, nor with the number of
 * calls (Flink's ForSt leaked one read-options object per batch). Native memory is measured from the
 * process side, as anonymous resident memory; the module runs its tests with a fixed, pre-touched
 * heap (see the pom), so that measure moves only with native allocations. What RocksDB accounts for
 * itself (memtables, table readers, block cache) is subtracted, since memtables legitimately grow as
 * rows are written.
 *
 * <p>Tolerances are generous against allocator noise yet far below what a leak per cycle costs: a
 * leaked database per open/close cycle costs megabytes, and a leaked read-options object with its
 * bound per scan costs hundreds of bytes, tens of megabytes over the loop.
 */
class RocksDbNativeResourceTest {
  static final int OPEN_CLOSE_WARM_UP = 20;
  static final int OPEN_CLOSE_CYCLES = 200;
  static final long OPEN_CLOSE_TOLERANCE_KB = 32 * 1024;

  static final int KEYS = 500;
  static final int MAP_ENTRIES = 8;
  static final int BATCH_WARM_UP = 5_000;
  static final int BATCH_CYCLES = 50_000;
  static final long BATCH_TOLERANCE_KB = 12 * 1024;

  static final TableSpec VALUE = new TableSpec("value", StateDescriptor.Kind.VALUE, Optional.empty());
  static final TableSpec LIST = new TableSpec("list", StateDescriptor.Kind.LIST, Optional.empty());
  static final TableSpec MAP = new TableSpec("map", StateDescriptor.Kind.MAP, Optional.empty());

  @Test
  void openingAndClosingBackendsDoesNotGrowNativeMemory() throws IOException {
    assumeTrue(Files.isReadable(STATUS), "needs /proc/self/status");
    for (int i = 0; i < OPEN_CLOSE_WARM_UP; i++) {
      openUseAndClose(i);
    }
    long before = anonymousResidentKb();
    for (int i = 0; i < OPEN_CLOSE_CYCLES; i++) {
      openUseAndClose(i);
    }
    long after = anonymousResidentKb();
    System.out.printf(
        "open/close: %d cycles, anonymous RSS %d kB -> %d kB (%+d kB)%n",
        OPEN_CLOSE_CYCLES, before, after, after - before);
    assertThat(after - before)
        .as("growth of anonymous RSS in kB over %d open/close cycles", OPEN_CLOSE_CYCLES)
        .isLessThan(OPEN_CLOSE_TOLERANCE_KB);
  }

  /** Opens a backend, uses every kind of call once, closes it, and checks its directory is gone. */
  private static void openUseAndClose(int cycle) throws IOException {
    Path dir;
    try (RocksDbKeyedStateBackend backend = RocksDbTableTest.open("open-close-" + cycle)) {
      dir = backend.directory();
      StateTable value = backend.table(VALUE);
      StateTable list = backend.table(LIST);
      StateTable map = backend.table(MAP);
      for (int k = 0; k < 20; k++) {
        value.put(key(k), bytes("v" + k));
        list.append(key(k), bytes("e"));
        map.put(mapRow(k, 0), bytes("m"));
      }
      assertThat(value.get(key(3))).isEqualTo(bytes("v3"));
      assertThat(map.scan(key(3), null, 4).rows()).hasSize(1);
      map.deletePrefix(key(3));
      assertThat(backend.memoryUsage()).containsKey(MemoryUsageType.kMemTableTotal);
    }
    assertThat(Files.exists(dir)).as("working directory of cycle %d", cycle).isFalse();
  }

  @Test
  void batchesAndScansDoNotGrowNativeMemory() throws IOException {
    assumeTrue(Files.isReadable(STATUS), "needs /proc/self/status");
    try (RocksDbKeyedStateBackend backend = RocksDbTableTest.open("batches")) {
      StateTable value = backend.table(VALUE);
      StateTable list = backend.table(LIST);
      StateTable map = backend.table(MAP);
      for (int k = 0; k < KEYS; k++) {
        putMapEntries(map, k);
      }
      for (int i = 0; i < BATCH_WARM_UP; i++) {
        batch(i, value, list, map);
      }
      long rocksBefore = accountedKb(backend);
      long before = anonymousResidentKb() - rocksBefore;
      for (int i = 0; i < BATCH_CYCLES; i++) {
        batch(i, value, list, map);
      }
      long rocksAfter = accountedKb(backend);
      long after = anonymousResidentKb() - rocksAfter;
      System.out.printf(
          "batches: %d cycles (%d scans), RocksDB-accounted %d kB -> %d kB, "
              + "anonymous RSS outside it %d kB -> %d kB (%+d kB); usage %s%n",
          BATCH_CYCLES, 2 * BATCH_CYCLES, rocksBefore, rocksAfter, before, after, after - before,
          backend.memoryUsage());
      assertThat(after - before)
          .as("growth in kB of anonymous RSS not accounted by RocksDB over %d batches", BATCH_CYCLES)
          .isLessThan(BATCH_TOLERANCE_KB);
      assertThat(backend.memoryUsage().get(MemoryUsageType.kCacheTotal))
          .as("block cache usage")
          .isLessThanOrEqualTo(RocksDbKeyedStateBackend.BLOCK_CACHE_BYTES);
    }
  }

  /** One batch: a point read and write, an append, a map iteration over two pages, sometimes a clear. */
  private static void batch(int i, StateTable value, StateTable list, StateTable map)
      throws IOException {
    int k = i % KEYS;
    value.get(key(k));
    value.put(key(k), bytes("v" + i));
    list.append(key(k), bytes("e"));
    ScanPage first = map.scan(key(k), null, MAP_ENTRIES / 2);
    ScanPage second = map.scan(key(k), first.lastKey(), MAP_ENTRIES / 2);
    assertThat(first.rows().size() + second.rows().size()).isEqualTo(MAP_ENTRIES);
    if (i % 10 == 0) {
      map.deletePrefix(key(k));
      putMapEntries(map, k);
    }
  }

  private static void putMapEntries(StateTable map, int k) throws IOException {
    for (int e = 0; e < MAP_ENTRIES; e++) {
      map.put(mapRow(k, e), bytes("m" + e));
    }
  }

  /** A row key shaped like the engine's: two key-group bytes, then the key. */
  private static byte[] key(int k) {
    byte[] suffix = bytes("key-" + k + "/");
    byte[] key = new byte[suffix.length + 2];
    key[0] = (byte) ((k % 128) >>> 8);
    key[1] = (byte) (k % 128);
    System.arraycopy(suffix, 0, key, 2, suffix.length);
    return key;
  }

  private static byte[] mapRow(int k, int entry) {
    byte[] prefix = key(k);
    byte[] row = new byte[prefix.length + 1];
    System.arraycopy(prefix, 0, row, 0, prefix.length);
    row[prefix.length] = (byte) entry;
    return row;
  }

  private static long accountedKb(RocksDbKeyedStateBackend backend) throws IOException {
    Map<MemoryUsageType, Long> usage = backend.memoryUsage();
    return (usage.get(MemoryUsageType.kMemTableTotal)
            + usage.get(MemoryUsageType.kTableReadersTotal)
            + usage.get(MemoryUsageType.kCacheTotal))
        / 1024;
  }

  static final Path STATUS = Path.of("/proc/self/status");

  /**
   * Anonymous resident memory (heap, native allocations, stacks), without the file-backed pages of
   * the RocksDB library itself; VmRSS on kernels that do not report it.
   */
  static long anonymousResidentKb() throws IOException {
    List<String> lines = Files.readAllLines(STATUS);
    for (String field : List.of("RssAnon:", "VmRSS:")) {
      for (String line : lines) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
        }
      }
    }
    throw new IllegalStateException("no RssAnon or VmRSS in " + STATUS);
  }
}
