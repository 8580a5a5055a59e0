package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.block.Compression;
import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.key.Entry;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.engine.lsm.sst.SstFiles.Written;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One reader serves gets and iterators on several threads at once. */
class SstReaderConcurrencyTest {

  @TempDir Path dir;

  @Test
  void parallelGetsAndScansSeeTheFileAsWritten() throws Exception {
    List<Entry> model = SstFiles.randomEntries(new Random(5), 3000, 300);
    List<Entry> newest = SstFiles.newestPerKey(model);
    Written written = new SstFiles(dir).write(new SstOptions(512, 8, 10, Compression.LZ4), model);
    // A cache far smaller than the file: blocks are evicted and loaded again while others read them.
    BlockCache cache = BlockCache.clock(8 * 1024);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try (SstReader reader = SstFiles.open(written.location(), cache)) {
      List<Future<?>> tasks = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        long seed = t;
        tasks.add(pool.submit((Callable<Void>) () -> {
          Random random = new Random(seed);
          for (int i = 0; i < 3000; i++) {
            if (random.nextInt(10) == 0) {
              int from = random.nextInt(model.size());
              try (SstIterator it = reader.iterator()) {
                it.seek(model.get(from).userKey());
                int expected = from;
                while (expected > 0 && java.util.Arrays.equals(model.get(expected - 1).userKey(), model.get(from).userKey())) {
                  expected--;
                }
                for (int k = 0; k < 20 && expected < model.size(); k++, expected++) {
                  assertThat(it.valid()).isTrue();
                  assertThat(it.entry()).isEqualTo(model.get(expected));
                  it.next();
                }
              }
            } else {
              Entry e = newest.get(random.nextInt(newest.size()));
              assertThat(reader.get(e.userKey())).isEqualTo(e);
            }
          }
          return null;
        }));
      }
      for (Future<?> task : tasks) {
        task.get(60, TimeUnit.SECONDS);
      }
      assertThat(cache.stats().hits()).isPositive();
      assertThat(cache.stats().evictions()).isPositive();
    } finally {
      pool.shutdownNow();
    }
  }
}
