package io.aloft.engine.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.sst.SstOptions;
import io.aloft.engine.lsm.sst.SstReader;
import io.aloft.engine.lsm.sst.SstWriter;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table cache finds every open reader, also while other threads open readers concurrently (a
 * multi-get opens its files in parallel) and after files are evicted.
 */
class TableCacheTest {
  @TempDir Path dir;

  private static final StateFileSystem LOCAL = new LocalFileSystemProvider().create("file", Config.empty());

  private List<FileMeta> writeFiles(int count) throws Exception {
    List<FileMeta> files = new ArrayList<>();
    for (int n = 1; n <= count; n++) {
      String name = "f-" + n + ".sst";
      Location location = Location.of(dir.resolve(name).toAbsolutePath().toString());
      try (SstWriter writer = new SstWriter(LOCAL.newOutputFile(location).create(), location, SstOptions.defaults())) {
        writer.add(new Entry(("key-" + n).getBytes(StandardCharsets.UTF_8), n, EntryKind.PUT, new byte[] {(byte) n}));
        files.add(FileMeta.of(n * 1_000_003L, name, writer.finish())); // numbers far apart, as after restores
      }
    }
    return files;
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void readersOpenedConcurrentlyAreAllFoundAndEvictedOnesAreGone() throws Exception {
    List<FileMeta> files = writeFiles(24);
    Location primary = Location.of(dir.toAbsolutePath().toString());
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 40; round++) {
        try (TableCache cache = new TableCache(location -> LOCAL, primary, BlockCache.none())) {
          CyclicBarrier start = new CyclicBarrier(6);
          List<Future<?>> opened = new ArrayList<>();
          for (int t = 0; t < 6; t++) {
            List<FileMeta> order = new ArrayList<>(files);
            Collections.shuffle(order, new Random(round * 31L + t));
            opened.add(
                pool.submit(
                    () -> {
                      start.await();
                      for (FileMeta f : order) {
                        SstReader reader = cache.reader(f);
                        assertThat(reader.location()).isEqualTo(cache.location(f));
                      }
                      return null;
                    }));
          }
          for (Future<?> f : opened) {
            f.get();
          }
          for (FileMeta f : files) {
            assertThat(cache.openReader(f)).as("file %d", f.fileNumber()).isNotNull();
            assertThat(cache.reader(f)).isSameAs(cache.openReader(f));
          }
          FileMeta gone = files.get(round % files.size());
          cache.evict(cache.location(gone));
          assertThat(cache.openReader(gone)).isNull();
          for (FileMeta f : files) {
            if (f != gone) {
              assertThat(cache.openReader(f)).isNotNull();
            }
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
