package io.aloft.engine.lsm;

import io.aloft.engine.lsm.key.Entry;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.engine.lsm.block.Compression;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sequences of put, delete, range delete, get, multi-get (repeated keys included), scan, flush, full compaction and
 * close-and-reopen, with write buffers and files small enough that background flushes and compactions
 * run all the time, checked after every read against a {@link TreeMap}. Re-run one case with
 * {@code -Daloft.test.seed=N}.
 */
class LsmTreePropertyTest {
  private static final int SEEDS_PER_CONFIG = Integer.getInteger("aloft.test.cases", 60);
  private static final int OPS = 400;

  @TempDir Path dir;

  static Stream<Arguments> cases() {
    Long only = Long.getLong("aloft.test.seed");
    List<Arguments> cases = new ArrayList<>();
    for (int blockSize : new int[] {256, 4096}) {
      for (Compression compression : new Compression[] {Compression.LZ4, Compression.ZSTD}) {
        if (only != null) {
          cases.add(Arguments.of(blockSize, compression, only));
          continue;
        }
        for (int i = 0; i < SEEDS_PER_CONFIG; i++) {
          cases.add(Arguments.of(blockSize, compression, 1000L * blockSize + 31L * i + compression.ordinal()));
        }
      }
    }
    return cases.stream();
  }

  static LsmOptions options(int blockSize, Compression compression) {
    // One to three subcompactions, varying with the case, so that split compactions meet the model too.
    // Their smaller target files make compactions big enough (two targets) to be split.
    int compactionThreads = 1 + (blockSize + compression.ordinal()) % 3;
    long targetFileBytes = compactionThreads > 1 ? 4 << 10 : 16 << 10;
    return new LsmOptions(
        8 << 10, 2, blockSize, 10, List.of(Compression.NONE, compression), targetFileBytes, 32 << 10, 3, 40, 64 << 10,
        compactionThreads);
  }

  @ParameterizedTest(name = "block {0}, {1}, seed {2}")
  @MethodSource("cases")
  void matchesASortedMapModel(int blockSize, Compression compression, long seed) throws Exception {
    Random random = new Random(seed);
    StateFileSystem fs = new LocalFileSystemProvider().create("file", Config.empty());
    Location primary = Location.of(dir.resolve("primary").toString());
    Path local = dir.resolve("local");
    LsmOptions options = options(blockSize, compression);
    NavigableMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    LsmTree tree = LsmTree.open(options, fs, primary, local, CompactionFilter.NONE, null, InstantSource.system());
    String context = "seed " + seed + " (re-run with -Daloft.test.seed=" + seed + ")";
    try {
      for (int op = 0; op < OPS; op++) {
        int dice = random.nextInt(100);
        String step = context + ", op " + op;
        if (dice < 40) {
          byte[] key = key(random);
          byte[] value = value(random);
          tree.put(key, value);
          model.put(key, value);
        } else if (dice < 50) {
          byte[] key = key(random);
          tree.delete(key);
          model.remove(key);
        } else if (dice < 53) {
          byte[] a = key(random);
          byte[] b = key(random);
          if (Arrays.compareUnsigned(a, b) > 0) {
            byte[] t = a;
            a = b;
            b = t;
          }
          if (Arrays.compareUnsigned(a, b) < 0) {
            tree.deleteRange(a, b);
            model.subMap(a, true, b, false).clear();
          }
        } else if (dice < 68) {
          byte[] key = key(random);
          assertThat(tree.get(key)).as(step + ": get").isEqualTo(model.get(key));
        } else if (dice < 75) {
          List<byte[]> keys = new ArrayList<>();
          List<byte[]> expected = new ArrayList<>();
          for (int k = random.nextInt(20); k >= 0; k--) {
            byte[] key = k % 3 == 0 && !keys.isEmpty() ? keys.get(random.nextInt(keys.size())) : key(random);
            keys.add(key);
            expected.add(model.get(key));
          }
          assertThat(tree.multiGet(keys)).as(step + ": multiGet").containsExactlyElementsOf(expected);
        } else if (dice < 90) {
          byte[] prefix = Arrays.copyOf(key(random), 1 + random.nextInt(3));
          checkScan(tree, model, prefix, 1 + random.nextInt(12), step);
        } else if (dice < 94) {
          tree.flush();
        } else if (dice < 97) {
          tree.compactAll();
        } else {
          tree.close();
          tree = LsmTree.open(options, fs, primary, local, CompactionFilter.NONE, null, InstantSource.system());
        }
      }
      tree.compactAll();
      checkScan(tree, model, new byte[0], 50, context + ", final");
      tree.close();
      tree = LsmTree.open(options, fs, primary, local, CompactionFilter.NONE, null, InstantSource.system());
      checkScan(tree, model, new byte[0], 1000, context + ", reopened");
      // Everything the tree no longer references is gone from storage.
      long live = tree.levels().stream().mapToLong(List::size).sum();
      assertThat(fs.list(primary)).as(context + ": files on storage").hasSize((int) live);
    } finally {
      tree.close();
    }
  }

  private static void checkScan(
      LsmTree tree, NavigableMap<byte[], byte[]> model, byte[] prefix, int limit, String step)
      throws Exception {
    List<KeyValue> all = new ArrayList<>();
    byte[] startAfter = null;
    ScanPage page;
    int rounds = 0;
    do {
      page = tree.scan(prefix, startAfter, limit);
      assertThat(page.rows().size()).as(step + ": page size").isLessThanOrEqualTo(limit);
      all.addAll(page.rows());
      if (page.hasMore() && !page.rows().isEmpty()) {
        startAfter = page.lastKey();
      }
      assertThat(++rounds).as(step + ": scan terminates").isLessThan(10_000);
    } while (page.hasMore() && !page.rows().isEmpty());
    List<String> expected = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
      if (io.aloft.spi.backend.KeyPrefixes.startsWith(e.getKey(), prefix)) {
        expected.add(Arrays.toString(e.getKey()) + "=" + Arrays.hashCode(e.getValue()));
      }
    }
    List<String> actual = new ArrayList<>();
    for (KeyValue kv : all) {
      actual.add(Arrays.toString(kv.key()) + "=" + Arrays.hashCode(kv.value()));
    }
    assertThat(actual).as(step + ": scan of prefix " + Arrays.toString(prefix)).isEqualTo(expected);
  }

  /** Two key-group bytes, then one to three bytes from a small alphabet: many collisions. */
  private static byte[] key(Random random) {
    byte[] key = new byte[2 + 1 + random.nextInt(3)];
    key[0] = 0;
    key[1] = (byte) random.nextInt(3);
    for (int i = 2; i < key.length; i++) {
      key[i] = (byte) ("abcdef".charAt(random.nextInt(6)) + (random.nextInt(20) == 0 ? 150 : 0));
    }
    return key;
  }

  private static byte[] value(Random random) {
    int length = random.nextInt(30) == 0 ? 2000 + random.nextInt(3000) : random.nextInt(60);
    byte[] value = new byte[length];
    random.nextBytes(value);
    return value;
  }
}
