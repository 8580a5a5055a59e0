package io.aloft.engine.filecache;

import static io.aloft.engine.filecache.CacheFixture.bytes;
import static io.aloft.engine.filecache.CacheFixture.diskBytes;
import static io.aloft.engine.filecache.CacheFixture.diskUsage;
import static io.aloft.engine.filecache.CacheFixture.read;
import static io.aloft.engine.filecache.CacheFixture.readAll;
import static io.aloft.engine.filecache.CacheFixture.writeExclusive;
import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The size limit and the free-space reserve, alone and together, sequentially and under concurrent
 * readers and writers. The disk is simulated: its free space is a fixed capacity minus what the cache
 * directory holds (minus what "other programs" took), read through the {@link FreeSpaceProbe}.
 */
class CachingFileSystemLimitsTest {
  private static final int SIZE = 10_000;
  private static final long D = diskBytes(SIZE);

  @TempDir Path dir;
  CacheFixture fx;
  final AtomicLong takenByOthers = new AtomicLong();

  @BeforeEach
  void setUp() throws IOException {
    fx = new CacheFixture(dir);
  }

  /** A disk of {@code capacity} bytes shared by the cache and other programs. */
  FreeSpaceProbe disk(long capacity) {
    return () -> capacity - takenByOthers.get() - diskUsage(fx.cacheDir);
  }

  private void writeFiles(CachingFileSystem fs, int count, Runnable afterEach) throws IOException {
    writeFiles(fs, "f", count, afterEach);
  }

  private void writeFiles(CachingFileSystem fs, String prefix, int count, Runnable afterEach)
      throws IOException {
    for (int i = 0; i < count; i++) {
      writeExclusive(fs, fx.file(prefix + i + ".sst"), bytes(SIZE, i));
      afterEach.run();
    }
  }

  @Test
  void theSizeLimitHoldsAfterEveryWrite() throws IOException {
    long limit = 5 * D;
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).sizeLimit(limit).build()) {
      writeFiles(
          fs,
          20,
          () -> {
            assertThat(fs.metrics().bytesUsed()).isLessThanOrEqualTo(limit);
            assertThat(diskUsage(fx.cacheDir)).isLessThanOrEqualTo(limit);
          });

      assertThat(fs.metrics().filesCached()).isEqualTo(5);
      assertThat(fs.metrics().evictions()).isEqualTo(15);
    }
  }

  @Test
  void theReserveKeepsFreeSpaceAfterEveryWrite() throws IOException {
    FreeSpaceProbe disk = disk(10 * D);
    try (CachingFileSystem fs =
        fx.cache(new RecencyPolicy()).reserveSize(5 * D).freeSpaceProbe(disk).build()) {
      writeFiles(fs, 20, () -> assertThat(usable(disk)).isGreaterThanOrEqualTo(5 * D));

      assertThat(fs.metrics().filesCached()).isEqualTo(5);
      assertThat(fs.metrics().evictions()).isEqualTo(15);
    }
  }

  @Test
  void withBothLimitsTheTighterOneHolds() throws IOException {
    FreeSpaceProbe disk = disk(10 * D);
    try (CachingFileSystem fs =
        fx.cache(new RecencyPolicy()).sizeLimit(3 * D).reserveSize(5 * D).freeSpaceProbe(disk).build()) {
      writeFiles(fs, 10, () -> {});
      assertThat(fs.metrics().filesCached()).isEqualTo(3);
    }
    try (CachingFileSystem fs =
        fx.cache(new RecencyPolicy()).sizeLimit(8 * D).reserveSize(5 * D).freeSpaceProbe(disk).build()) {
      // The same directory: the three copies are adopted; the reserve allows five.
      writeFiles(fs, "g", 10, () -> {});
      assertThat(fs.metrics().filesCached()).isLessThanOrEqualTo(5).isGreaterThanOrEqualTo(4);
      assertThat(usable(disk)).isGreaterThanOrEqualTo(5 * D);
    }
  }

  @Test
  void aFullDiskCachesNothingAndEveryReadIsStillRight() throws IOException {
    try (CachingFileSystem fs =
        fx.cache(new RecencyPolicy()).reserveSize(1 << 20).freeSpaceProbe(() -> 0).build()) {
      writeFiles(fs, 5, () -> {});

      for (int i = 0; i < 5; i++) {
        assertThat(readAll(fs, fx.file("f" + i + ".sst"))).isEqualTo(bytes(SIZE, i));
      }

      assertThat(fx.cacheFiles()).isEmpty();
      assertThat(fs.metrics().filesCached()).isZero();
      assertThat(fs.metrics().misses()).isEqualTo(5);
      // Five double writes and five load-backs found no room.
      assertThat(fs.metrics().copiesNotCached()).isEqualTo(10);
    }
  }

  @Test
  void otherProgramsFillingTheDiskMakeTheCacheShrink() throws IOException {
    FreeSpaceProbe disk = disk(20 * D);
    try (CachingFileSystem fs =
        fx.cache(new RecencyPolicy()).reserveSize(5 * D).freeSpaceProbe(disk).build()) {
      writeFiles(fs, 10, () -> {});
      assertThat(fs.metrics().filesCached()).isEqualTo(10);

      takenByOthers.set(10 * D);
      writeExclusive(fs, fx.file("late.sst"), bytes(SIZE, 99));

      assertThat(usable(disk)).isGreaterThanOrEqualTo(5 * D);
      assertThat(fs.metrics().filesCached()).isEqualTo(5);
    }
  }

  @Test
  void aFailingProbeCachesNothingAndFailsNothing() throws IOException {
    FreeSpaceProbe broken =
        () -> {
          throw new IOException("statvfs failed");
        };
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).reserveSize(1).freeSpaceProbe(broken).build()) {
      writeFiles(fs, 3, () -> {});

      assertThat(readAll(fs, fx.file("f1.sst"))).isEqualTo(bytes(SIZE, 1));
      assertThat(fs.metrics().filesCached()).isZero();
    }
  }

  private static long usable(FreeSpaceProbe probe) {
    try {
      return probe.usableBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------------------- concurrency

  enum Limits {
    SIZE_ONLY,
    RESERVE_ONLY,
    BOTH
  }

  private static final int THREADS = 4;
  private static final int OPS_PER_THREAD = 500;
  private static final int MAX_FILE = 32 * 1024;
  private static final long SEED = 0xCAC4EL;

  /**
   * Four threads, each 500 operations — write a new file, read a random range of a shared or own
   * file, delete an own file — while a monitor samples the cache's disk use: it never exceeds the limit
   * by more than one file, the accounted bytes never exceed the size limit at all, and every read
   * returns the remote bytes.
   */
  @ParameterizedTest
  @EnumSource(Limits.class)
  @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void limitsHoldUnderConcurrentReadersAndWriters(Limits limits) throws Exception {
    long bound = 10 * diskBytes(MAX_FILE / 2);
    long capacity = 4 * bound;
    CachingFileSystem.Builder builder = fx.cache(new RecencyPolicy()).loadBackAfter(2);
    long sizeLimit = 0;
    if (limits != Limits.RESERVE_ONLY) {
      sizeLimit = limits == Limits.BOTH ? bound * 3 / 4 : bound;
      builder.sizeLimit(sizeLimit);
    }
    if (limits != Limits.SIZE_ONLY) {
      builder.reserveSize(capacity - bound).freeSpaceProbe(disk(capacity));
    }
    long allowed = sizeLimit > 0 ? Math.min(sizeLimit, bound) : bound;
    long oneFile = diskBytes(MAX_FILE);

    try (CachingFileSystem fs = builder.build()) {
      Map<Location, byte[]> shared = new ConcurrentHashMap<>();
      Random setup = new Random(SEED);
      for (int i = 0; i < 8; i++) {
        Location f = fx.file("shared-" + i + ".sst");
        byte[] data = content(setup);
        writeExclusive(fs, f, data);
        shared.put(f, data);
      }

      AtomicBoolean done = new AtomicBoolean();
      AtomicLong maxDisk = new AtomicLong();
      AtomicLong maxAccounted = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
      try {
        Future<?> monitor =
            pool.submit(
                () -> {
                  while (!done.get()) {
                    maxDisk.accumulateAndGet(diskUsage(fx.cacheDir), Math::max);
                    maxAccounted.accumulateAndGet(fs.metrics().bytesUsed(), Math::max);
                    LockSupport.parkNanos(200_000);
                  }
                });
        List<Future<Integer>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          workers.add(pool.submit(() -> work(fs, thread, shared)));
        }
        int reads = 0;
        for (Future<Integer> w : workers) {
          reads += w.get(100, TimeUnit.SECONDS);
        }
        done.set(true);
        monitor.get(10, TimeUnit.SECONDS);
        assertThat(reads).isPositive();
      } finally {
        done.set(true);
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      }

      FileCacheMetrics m = fs.metrics();
      // Never over by more than one file, on disk as in the books.
      assertThat(maxDisk.get())
          .as("most disk the cache used (%s)", m)
          .isLessThanOrEqualTo(allowed + oneFile);
      if (sizeLimit > 0) {
        assertThat(maxAccounted.get()).as("most bytes accounted").isLessThanOrEqualTo(sizeLimit);
      }
      assertThat(m.evictions()).as("the limits were reached").isPositive();
      assertThat(m.hits()).isPositive();
      assertThat(m.misses()).isPositive();
    }
  }

  private static byte[] content(Random random) {
    return bytes(1 + random.nextInt(MAX_FILE), random.nextLong());
  }

  /** One worker's operations; returns how many reads it checked. */
  private int work(CachingFileSystem fs, int thread, Map<Location, byte[]> shared) throws IOException {
    Random random = new Random(SEED + 1 + thread);
    Map<Location, byte[]> own = new LinkedHashMap<>();
    List<Location> sharedFiles = List.copyOf(shared.keySet());
    int reads = 0;
    for (int op = 0; op < OPS_PER_THREAD; op++) {
      int kind = random.nextInt(10);
      if (kind < 4) {
        Location f = fx.file("t" + thread + "-" + op + ".sst");
        byte[] data = content(random);
        writeExclusive(fs, f, data);
        own.put(f, data);
      } else if (kind < 9) {
        Location f =
            own.isEmpty() || random.nextBoolean()
                ? sharedFiles.get(random.nextInt(sharedFiles.size()))
                : new ArrayList<>(own.keySet()).get(random.nextInt(own.size()));
        byte[] data = own.containsKey(f) ? own.get(f) : shared.get(f);
        int position = random.nextInt(data.length);
        int length = 1 + random.nextInt(data.length - position);
        assertThat(read(fs, f, position, length))
            .as("thread %d op %d: %s at %d", thread, op, f, position)
            .isEqualTo(Arrays.copyOfRange(data, position, position + length));
        reads++;
      } else if (!own.isEmpty()) {
        Location f = own.keySet().iterator().next();
        fs.delete(f);
        own.remove(f);
      }
    }
    return reads;
  }
}
