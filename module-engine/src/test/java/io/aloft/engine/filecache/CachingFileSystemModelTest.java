package io.aloft.engine.filecache;

import io.aloft.engine.lsm.key.Entry;

import static io.aloft.engine.filecache.CacheFixture.bytes;
import static io.aloft.engine.filecache.CacheFixture.diskUsage;
import static io.aloft.engine.filecache.CacheFixture.flipBit;
import static io.aloft.engine.filecache.CacheFixture.readAll;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random operations on the cache against a model (name → bytes): writes in random pieces,
 * aborted writes, positional and tail reads, deletes, damaged and truncated copies, and restarts, under
 * random limits, chunk sizes and load-back thresholds. After every operation the cache's accounting
 * matches the disk and the size limit holds; every read returns the model's bytes. To re-run one seed,
 * set {@link #ONLY_SEED}.
 */
class CachingFileSystemModelTest {
  private static final long ONLY_SEED = 0; // 0: all seeds
  private static final int SEEDS = 12;
  private static final int OPS = 200;

  @TempDir Path dir;

  @Test
  void randomOperationsMatchTheModel() throws IOException {
    for (long seed = 1; seed <= SEEDS; seed++) {
      if (ONLY_SEED == 0 || seed == ONLY_SEED) {
        run(seed);
      }
    }
  }

  private void run(long seed) throws IOException {
    Random random = new Random(seed);
    CacheFixture fx = new CacheFixture(dir.resolve("seed-" + seed));
    int chunk = List.of(64, 512, 4096).get(random.nextInt(3));
    long sizeLimit = random.nextBoolean() ? 0 : (2 + random.nextInt(10)) * 8_000L;
    int loadBackAfter = random.nextInt(4);
    CachingFileSystem.Builder builder =
        fx.cache(new RecencyPolicy()).chunkSize(chunk).sizeLimit(sizeLimit).loadBackAfter(loadBackAfter);
    String context = "seed " + seed + " (chunk " + chunk + ", limit " + sizeLimit + ", load-back after "
        + loadBackAfter + ")";
    Map<Location, byte[]> model = new LinkedHashMap<>();
    CachingFileSystem fs = builder.build();
    try {
      for (int op = 0; op < OPS; op++) {
        String at = context + " op " + op;
        List<Location> names = new ArrayList<>(model.keySet());
        int kind = random.nextInt(100);
        if (kind < 30 || names.isEmpty()) {
          Location f = fx.file("f" + op + ".sst");
          byte[] data = bytes(random.nextInt(12_000), random.nextLong());
          FileOutput out = fs.newOutputFile(f).createExclusive();
          for (int pos = 0; pos < data.length; ) {
            int n = Math.min(data.length - pos, 1 + random.nextInt(3_000));
            out.write(data, pos, n);
            pos += n;
          }
          if (random.nextInt(10) == 0) {
            out.abort();
          } else {
            out.close();
            model.put(f, data);
          }
        } else if (kind < 75) {
          Location f = names.get(random.nextInt(names.size()));
          byte[] data = model.get(f);
          try (FileInput in = fs.newInputFile(f, data.length).newInput()) {
            if (random.nextInt(4) == 0) {
              int length = random.nextInt(data.length + 10);
              byte[] buffer = new byte[length];
              int n = in.readTail(buffer, 0, length);
              assertThat(Arrays.copyOf(buffer, n)).as(at)
                  .isEqualTo(Arrays.copyOfRange(data, data.length - n, data.length));
            } else if (data.length > 0) {
              int position = random.nextInt(data.length);
              int length = random.nextInt(data.length - position + 1);
              byte[] buffer = new byte[length];
              in.readFully(position, buffer, 0, length);
              assertThat(buffer).as(at).isEqualTo(Arrays.copyOfRange(data, position, position + length));
            }
          }
        } else if (kind < 85) {
          Location f = names.get(random.nextInt(names.size()));
          fs.delete(f);
          model.remove(f);
        } else if (kind < 95) {
          Optional<Location> damaged = damageACopy(fx, model, random);
          if (damaged.isPresent()) { // a whole read finds the damage and never serves it
            assertThat(readAll(fs, damaged.get())).as(at).isEqualTo(model.get(damaged.get()));
          }
        } else {
          fs.close();
          fs = builder.build();
        }
        FileCacheMetrics m = fs.metrics();
        assertThat(diskUsage(fx.cacheDir)).as(at + ": disk matches accounting, " + m).isEqualTo(m.bytesUsed());
        if (sizeLimit > 0) {
          assertThat(m.bytesUsed()).as(at).isLessThanOrEqualTo(sizeLimit);
        }
      }
      verifyAll(fs, model, context + " at the end");
    } finally {
      fs.close();
    }
  }

  /** Truncates a copy, or flips a bit in its data or chunk table; returns whose. */
  private static Optional<Location> damageACopy(CacheFixture fx, Map<Location, byte[]> model, Random random)
      throws IOException {
    List<Location> cached = new ArrayList<>();
    for (Location f : model.keySet()) {
      if (fx.copyOf(f).isPresent() && model.get(f).length > 0) {
        cached.add(f);
      }
    }
    if (cached.isEmpty()) {
      return Optional.empty();
    }
    Location victim = cached.get(random.nextInt(cached.size()));
    Path copy = fx.copyOf(victim).orElseThrow();
    long size = Files.size(copy);
    if (random.nextBoolean()) {
      try (FileChannel c = FileChannel.open(copy, WRITE)) {
        c.truncate(random.nextLong(size));
      }
    } else {
      flipBit(copy, random.nextLong(size - CacheFileFormat.FOOTER_BYTES));
    }
    return Optional.of(victim);
  }

  private static void verifyAll(CachingFileSystem fs, Map<Location, byte[]> model, String at) throws IOException {
    for (Map.Entry<Location, byte[]> e : model.entrySet()) {
      assertThat(readAll(fs, e.getKey())).as(at + ": " + e.getKey()).isEqualTo(e.getValue());
    }
  }
}
