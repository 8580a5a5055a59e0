package io.aloft.engine.filecache;

import static io.aloft.engine.filecache.CacheFixture.bytes;
import static io.aloft.engine.filecache.CacheFixture.diskBytes;
import static io.aloft.engine.filecache.CacheFixture.read;
import static io.aloft.engine.filecache.CacheFixture.readAll;
import static io.aloft.engine.filecache.CacheFixture.writeExclusive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.config.MissingPluginException;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.engine.plugins.Plugins;
import io.aloft.engine.testkit.RemoteShapedFileSystem;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.FileSystems;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingFileSystemTest {
  private static final int SIZE = 10_000;

  @TempDir Path dir;
  CacheFixture fx;

  @BeforeEach
  void setUp() throws IOException {
    fx = new CacheFixture(dir);
  }

  @Test
  void aNewFileIsWrittenToRemoteAndCacheAtOnce() throws IOException {
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).build()) {
      byte[] data = bytes(SIZE, 1);

      writeExclusive(fs, fx.file("a.sst"), data);

      assertThat(readAll(fx.remote, fx.file("a.sst"))).isEqualTo(data);
      assertThat(fx.copyOf(fx.file("a.sst"))).isPresent();
      assertThat(fs.metrics().filesCached()).isEqualTo(1);
      assertThat(fs.metrics().bytesUsed()).isEqualTo(diskBytes(SIZE));
    }
  }

  @Test
  void readsOfACachedFileAreServedLocally() throws IOException {
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).build()) {
      byte[] data = bytes(SIZE, 2);
      writeExclusive(fs, fx.file("a.sst"), data);
      long remoteReads = fx.remote.readRequests();

      for (int i = 0; i < 10; i++) {
        assertThat(read(fs, fx.file("a.sst"), i * 800, 1234))
            .isEqualTo(Arrays.copyOfRange(data, i * 800, i * 800 + 1234));
      }

      assertThat(fx.remote.readRequests()).isEqualTo(remoteReads);
      assertThat(fs.metrics().hits()).isEqualTo(10);
      assertThat(fs.metrics().misses()).isZero();
    }
  }

  @Test
  void theLocalCopyAppearsOnlyOnceTheRemoteCloseSucceeded() throws IOException {
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).build()) {
      Location file = fx.file("a.sst");
      FileOutput out = fs.newOutputFile(file).createExclusive();
      out.write(bytes(SIZE, 3));

      assertThat(fx.remote.exists(file)).isFalse();
      assertThat(fx.copyOf(file)).isEmpty();
      assertThat(fs.metrics().filesCached()).isZero();

      out.close();

      assertThat(fx.copyOf(file)).isPresent();
      assertThat(fs.metrics().filesCached()).isEqualTo(1);
    }
  }

  @Test
  void anAbortedWriteLeavesNoCopyAndNoReservation() throws IOException {
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).sizeLimit(2 * diskBytes(SIZE)).build()) {
      FileOutput out = fs.newOutputFile(fx.file("a.sst")).createExclusive();
      out.write(bytes(SIZE, 4));

      out.abort();

      assertThat(fx.cacheFiles()).isEmpty();
      // The whole limit is free again: two files fit without eviction.
      writeExclusive(fs, fx.file("b.sst"), bytes(SIZE, 5));
      writeExclusive(fs, fx.file("c.sst"), bytes(SIZE, 6));
      assertThat(fs.metrics().evictions()).isZero();
      assertThat(fs.metrics().filesCached()).isEqualTo(2);
    }
  }

  @Test
  void aFailedExclusiveCreateKeepsTheFirstFileAndItsCopy() throws IOException {
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).build()) {
      Location file = fx.file("a.sst");
      byte[] first = bytes(SIZE, 7);
      writeExclusive(fs, file, first);

      assertThatThrownBy(() -> writeExclusive(fs, file, bytes(SIZE, 8)))
          .isInstanceOf(FileAlreadyExistsException.class);

      assertThat(readAll(fs, file)).isEqualTo(first);
      assertThat(fs.metrics().filesCached()).isEqualTo(1);
      assertThat(fs.metrics().hits()).isPositive();
    }
  }

  @Test
  void evictionDeletesOnlyTheLocalCopy() throws IOException {
    try (CachingFileSystem fs =
        fx.cache(new RecencyPolicy()).loadBackAfter(0).sizeLimit(2 * diskBytes(SIZE)).build()) {
      byte[] a = bytes(SIZE, 9);
      writeExclusive(fs, fx.file("a.sst"), a);
      writeExclusive(fs, fx.file("b.sst"), bytes(SIZE, 10));

      writeExclusive(fs, fx.file("c.sst"), bytes(SIZE, 11));

      assertThat(fs.metrics().evictions()).isEqualTo(1);
      assertThat(fs.metrics().filesCached()).isEqualTo(2);
      assertThat(fx.copyOf(fx.file("a.sst"))).isEmpty();
      assertThat(fx.remote.exists(fx.file("a.sst"))).isTrue();
      assertThat(readAll(fs, fx.file("a.sst"))).isEqualTo(a);
      assertThat(fs.metrics().misses()).isEqualTo(1);
    }
  }

  @Test
  void anEvictedFileIsLoadedBackAfterRepeatedRemoteReads() throws IOException {
    try (CachingFileSystem fs =
        fx.cache(new RecencyPolicy()).loadBackAfter(2).sizeLimit(2 * diskBytes(SIZE)).build()) {
      byte[] a = bytes(SIZE, 12);
      writeExclusive(fs, fx.file("a.sst"), a);
      writeExclusive(fs, fx.file("b.sst"), bytes(SIZE, 13));
      writeExclusive(fs, fx.file("c.sst"), bytes(SIZE, 14)); // evicts a
      long remoteReads = fx.remote.readRequests();

      assertThat(read(fs, fx.file("a.sst"), 0, 100)).isEqualTo(Arrays.copyOf(a, 100));
      assertThat(fs.metrics().loadBacks()).isZero();
      assertThat(read(fs, fx.file("a.sst"), 100, 100)).isEqualTo(Arrays.copyOfRange(a, 100, 200));

      // The second remote read loaded a back (inline here), evicting the least recent file, b.
      assertThat(fs.metrics().loadBacks()).isEqualTo(1);
      assertThat(fx.copyOf(fx.file("a.sst"))).isPresent();
      assertThat(fx.copyOf(fx.file("b.sst"))).isEmpty();
      assertThat(fx.remote.readRequests() - remoteReads).isEqualTo(3); // two misses, one whole-file read
      assertThat(read(fs, fx.file("a.sst"), 5000, 100)).isEqualTo(Arrays.copyOfRange(a, 5000, 5100));
      assertThat(fx.remote.readRequests() - remoteReads).isEqualTo(3);
    }
  }

  @Test
  void aLoadBackThatWouldEvictGoesAheadOnlyIfThePolicyAdmitsIt() throws IOException {
    RecencyPolicy policy = new RecencyPolicy();
    policy.admitting = false;
    try (CachingFileSystem fs =
        fx.cache(policy).loadBackAfter(2).sizeLimit(diskBytes(SIZE)).loadBackExecutor(Runnable::run).build()) {
      writeExclusive(fs, fx.file("a.sst"), bytes(SIZE, 21)); // cached: the cache is now full
      writeExclusive(fx.remote, fx.file("b.sst"), bytes(SIZE, 22)); // remote only
      for (int i = 0; i < 6; i++) {
        read(fs, fx.file("b.sst"), i, 10); // misses: three load-back attempts, all refused
      }
      assertThat(policy.misses).hasSize(6).containsOnly(fx.file("b.sst").toString());
      assertThat(fs.metrics().loadBacks()).isZero();
      assertThat(fs.metrics().loadBacksRefused()).isEqualTo(3);
      assertThat(fx.copyOf(fx.file("a.sst"))).as("the victim stays").isPresent();

      policy.admitting = true;
      read(fs, fx.file("b.sst"), 0, 10);
      read(fs, fx.file("b.sst"), 0, 10);
      assertThat(fs.metrics().loadBacks()).isEqualTo(1);
      assertThat(fx.copyOf(fx.file("b.sst"))).isPresent();
      assertThat(fx.copyOf(fx.file("a.sst"))).isEmpty();
    }
  }

  @Test
  void metricsCountEachKindOfEvent() throws IOException {
    try (CachingFileSystem fs =
        fx.cache(new RecencyPolicy()).loadBackAfter(2).sizeLimit(2 * diskBytes(SIZE)).build()) {
      writeExclusive(fs, fx.file("a.sst"), bytes(SIZE, 15));
      writeExclusive(fs, fx.file("b.sst"), bytes(SIZE, 16));
      read(fs, fx.file("a.sst"), 0, 10); // hit
      writeExclusive(fs, fx.file("c.sst"), bytes(SIZE, 17)); // evicts b (a was read)
      read(fs, fx.file("b.sst"), 0, 10); // miss
      read(fs, fx.file("b.sst"), 0, 20); // miss, then b is loaded back, evicting a (c is more recent)
      read(fs, fx.file("b.sst"), 0, 30); // hit

      assertThat(fs.metrics())
          .isEqualTo(
              new FileCacheMetrics(
                  2, // hits
                  2, // misses
                  2, // evictions: b, then a
                  1, // load-backs
                  2 * diskBytes(SIZE), // bytes used: c and b
                  2, // files cached
                  3, // remote read requests: two misses and one load-back read
                  10 + 20 + SIZE, // remote bytes
                  0,
                  0,
                  0));
    }
  }

  @Test
  void anOpenInputFollowsItsFileOutOfAndBackIntoTheCache() throws IOException {
    try (CachingFileSystem fs =
        fx.cache(new RecencyPolicy()).loadBackAfter(1).sizeLimit(2 * diskBytes(SIZE)).build()) {
      byte[] a = bytes(SIZE, 18);
      writeExclusive(fs, fx.file("a.sst"), a);
      byte[] buffer = new byte[50];
      try (FileInput in = fs.newInputFile(fx.file("a.sst"), SIZE).newInput()) {
        in.readFully(0, buffer, 0, 50); // local
        writeExclusive(fs, fx.file("b.sst"), bytes(SIZE, 19));
        writeExclusive(fs, fx.file("c.sst"), bytes(SIZE, 20)); // evicts a

        in.readFully(50, buffer, 0, 50); // remote, then loaded back
        assertThat(buffer).isEqualTo(Arrays.copyOfRange(a, 50, 100));
        in.readFully(100, buffer, 0, 50); // local again
        assertThat(buffer).isEqualTo(Arrays.copyOfRange(a, 100, 150));
        assertThat(in.readTail(buffer, 0, 50)).isEqualTo(50);
        assertThat(buffer).isEqualTo(Arrays.copyOfRange(a, SIZE - 50, SIZE));
      }
      assertThat(fs.metrics().hits()).isEqualTo(3);
      assertThat(fs.metrics().misses()).isEqualTo(1);
    }
  }

  @Test
  void deleteRemovesTheRemoteFileAndItsCopy() throws IOException {
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).build()) {
      writeExclusive(fs, fx.file("a.sst"), bytes(SIZE, 21));
      writeExclusive(fs, fx.file("b.sst"), bytes(SIZE, 22));
      writeExclusive(fs, fx.file("dir/c.sst"), bytes(SIZE, 23));
      writeExclusive(fs, fx.file("dir/sub/d.sst"), bytes(SIZE, 24));

      fs.delete(fx.file("a.sst"));
      fs.deleteFiles(List.of(fx.file("b.sst")));
      fs.deleteRecursively(fx.file("dir"));

      assertThat(fx.remote.list(fx.root)).isEmpty();
      assertThat(fx.cacheFiles()).isEmpty();
      assertThat(fs.metrics().filesCached()).isZero();
      assertThat(fs.metrics().bytesUsed()).isZero();
      assertThat(fs.metrics().evictions()).isZero();
    }
  }

  @Test
  void replacingACachedFileDropsItsCopy() throws IOException {
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).loadBackAfter(0).build()) {
      Location file = fx.file("a.sst");
      writeExclusive(fs, file, bytes(SIZE, 25));
      byte[] replacement = bytes(SIZE / 2, 26);

      FileOutput out = fs.newOutputFile(file).create();
      out.write(replacement);
      out.close();

      assertThat(fx.copyOf(file)).isEmpty();
      assertThat(readAll(fs, file)).isEqualTo(replacement);
    }
  }

  @Test
  void filesTheCacheDoesNotTakePassStraightThrough() throws IOException {
    try (CachingFileSystem fs =
        fx.cache(new RecencyPolicy()).cacheable(l -> l.fileName().endsWith(".sst")).build()) {
      byte[] data = bytes(SIZE, 27);
      writeExclusive(fs, fx.file("MANIFEST"), data);
      long remoteReads = fx.remote.readRequests();

      assertThat(readAll(fs, fx.file("MANIFEST"))).isEqualTo(data);
      assertThat(readAll(fs, fx.file("MANIFEST"))).isEqualTo(data);

      assertThat(fx.cacheFiles()).isEmpty();
      assertThat(fx.remote.readRequests() - remoteReads).isEqualTo(2);
      assertThat(fs.metrics()).isEqualTo(new FileCacheMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }
  }

  @Test
  void aFileLargerThanTheLimitIsNotCachedAndEvictsNothing() throws IOException {
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).sizeLimit(2 * diskBytes(SIZE)).build()) {
      writeExclusive(fs, fx.file("a.sst"), bytes(SIZE, 28));
      byte[] big = bytes(5 * SIZE, 29);

      writeExclusive(fs, fx.file("big.sst"), big);

      assertThat(fx.copyOf(fx.file("a.sst"))).isPresent();
      assertThat(fx.copyOf(fx.file("big.sst"))).isEmpty();
      assertThat(fs.metrics().evictions()).isZero();
      assertThat(fs.metrics().copiesNotCached()).isEqualTo(1);
      assertThat(readAll(fs, fx.file("big.sst"))).isEqualTo(big);
    }
  }

  @Test
  void afterCloseReadsGoRemoteAndCopiesStay() throws IOException {
    CachingFileSystem fs = fx.cache(new RecencyPolicy()).build();
    byte[] data = bytes(SIZE, 30);
    writeExclusive(fs, fx.file("a.sst"), data);

    fs.close();

    long remoteReads = fx.remote.readRequests();
    assertThat(readAll(fs, fx.file("a.sst"))).isEqualTo(data);
    assertThat(fx.remote.readRequests()).isEqualTo(remoteReads + 1);
    assertThat(fx.copyOf(fx.file("a.sst"))).isPresent();
  }

  @Test
  void closeReturnsOnlyOnceALoadBackInProgressHasStoppedAndDeletedItsTemporaryFile() throws Exception {
    RemoteShapedFileSystem slow =
        new RemoteShapedFileSystem(new LocalFileSystemProvider().create("file", Config.empty()), Duration.ofMillis(200));
    byte[] data = bytes(3 << 20, 40); // three 1 MiB reads for the load-back, 200 ms each
    writeExclusive(fx.remote, fx.file("a.sst"), data); // straight to the store: not cached
    ExecutorService loadBacks = Executors.newSingleThreadExecutor();
    try {
      CachingFileSystem fs =
          CachingFileSystem.builder(slow, fx.cacheDir, new RecencyPolicy())
              .loadBackAfter(1)
              .loadBackExecutor(loadBacks)
              .build();
      assertThat(read(fs, fx.file("a.sst"), 0, 100)).isEqualTo(Arrays.copyOf(data, 100)); // starts it
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (partFiles().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(partFiles()).as("the load-back's first MiB, written while it reads the next").isNotEmpty();

      fs.close();

      // Nothing is left writing to the directory: it could be deleted or reopened now.
      assertThat(partFiles()).isEmpty();
      assertThat(fx.copyOf(fx.file("a.sst"))).isEmpty();
      assertThat(fs.metrics().loadBacks()).isZero();
    } finally {
      loadBacks.shutdownNow();
    }
  }

  private List<Path> partFiles() throws IOException {
    if (!Files.exists(fx.cacheDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(fx.cacheDir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".part")).toList();
    }
  }

  @Test
  void thePolicyLearnsTheCapacity() throws IOException {
    RecencyPolicy policy = new RecencyPolicy();
    try (CachingFileSystem fs = fx.cache(policy).sizeLimit(123_456).build()) {
      writeExclusive(fs, fx.file("a.sst"), bytes(SIZE, 31));
    }
    assertThat(policy.capacities).containsOnly(123_456L);
  }

  @Test
  void routingSendsTheCachedSchemeHereAndOthersOn() throws IOException {
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).build()) {
      FileSystems others = location -> fx.remote;
      FileSystems routed = fs.routing("file", others);

      assertThat(routed.forLocation(fx.file("a.sst"))).isSameAs(fs);
      assertThat(routed.forLocation(Location.of("s3://bucket/a.sst"))).isSameAs(fx.remote);
    }
  }

  @Test
  void pluginsFindThePolicyNamedInTheConfiguration() {
    assertThat(Plugins.cachePolicyFactory(Config.empty()).name()).isEqualTo("tinylfu");
    assertThat(
            Plugins.cachePolicyFactory(Config.empty().with("state.backend.forst.cache.policy", "lru"))
                .name())
        .isEqualTo("lru");
    assertThatThrownBy(
            () -> Plugins.cachePolicyFactory(Config.empty().with("state.backend.forst.cache.policy", "arc")))
        .isInstanceOf(MissingPluginException.class)
        .hasMessageContaining("state.backend.forst.cache.policy: arc")
        .hasMessageContaining("[lru, tinylfu]");
  }
}
