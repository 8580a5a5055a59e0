package io.aloft.engine.lsm.blockcache;

import io.aloft.engine.lsm.block.Block;
import io.aloft.engine.lsm.sst.SstFiles;
import io.aloft.engine.lsm.block.BlockBuilder;
import io.aloft.engine.lsm.block.ByteSink;
import io.aloft.engine.lsm.block.SstCorruptionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The Caffeine block cache: hits, misses, weight, eviction, failed and concurrent loads. */
class BlockCacheTest {

  private static Block block(int entries) throws SstCorruptionException {
    BlockBuilder builder = new BlockBuilder(16, 256);
    for (int i = 0; i < entries; i++) {
      byte[] key = SstFiles.bytes(0, 1, i, 0, 0, 0, 0, 0, 0, 0, 0, 1);
      builder.add(key, key.length, new byte[10]);
    }
    ByteSink content = builder.finish();
    return Block.parse(content.toByteArray(), content.size(), Block.Type.DATA, null, 0);
  }

  @Test
  void secondLookupIsAHitAndWeighsTheBlocksBytes() throws IOException {
    BlockCache cache = BlockCache.caffeine(1 << 20);
    Block block = block(10);
    AtomicInteger loads = new AtomicInteger();

    assertThat(cache.get(1, 0, () -> { loads.incrementAndGet(); return block; })).isSameAs(block);
    assertThat(cache.get(1, 0, () -> { loads.incrementAndGet(); return block; })).isSameAs(block);

    assertThat(loads).hasValue(1);
    assertThat(cache.stats()).isEqualTo(new BlockCacheStats(1, 1, 0, block.sizeInBytes()));
  }

  @Test
  void blocksBeyondCapacityAreEvicted() throws IOException {
    Block block = block(10);
    BlockCache cache = BlockCache.caffeine(block.sizeInBytes() * 5L);
    for (int i = 0; i < 50; i++) {
      cache.get(1, i, () -> block);
    }

    BlockCacheStats stats = cache.stats();
    assertThat(stats.weightBytes()).isLessThanOrEqualTo(block.sizeInBytes() * 5L);
    assertThat(stats.evictions()).isGreaterThanOrEqualTo(45);
  }

  @Test
  void evictFileDropsOnlyThatFilesBlocks() throws IOException {
    BlockCache cache = BlockCache.caffeine(1 << 20);
    Block block = block(3);
    cache.get(1, 0, () -> block);
    cache.get(1, 100, () -> block);
    cache.get(2, 0, () -> block);

    cache.evictFile(1);

    AtomicInteger loads = new AtomicInteger();
    cache.get(2, 0, () -> { loads.incrementAndGet(); return block; });
    assertThat(loads).hasValue(0);
    cache.get(1, 0, () -> { loads.incrementAndGet(); return block; });
    assertThat(loads).hasValue(1);
    assertThat(cache.stats().weightBytes()).isEqualTo(2L * block.sizeInBytes());
  }

  @Test
  void failedLoadCachesNothingAndRethrowsTheLoadersException() throws IOException {
    BlockCache cache = BlockCache.caffeine(1 << 20);
    IOException failure = new SstCorruptionException(null, 7, "bad");

    assertThatThrownBy(() -> cache.get(1, 7, () -> { throw failure; })).isSameAs(failure);
    Block block = block(1);
    assertThat(cache.get(1, 7, () -> block)).isSameAs(block);
  }

  @Test
  void concurrentLookupsOfOneBlockLoadItOnce() throws Exception {
    BlockCache cache = BlockCache.caffeine(1 << 20);
    Block block = block(5);
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      Future<Block> first =
          pool.submit(
              () ->
                  cache.get(3, 0, () -> {
                    loads.incrementAndGet();
                    loading.countDown();
                    try {
                      release.await();
                    } catch (InterruptedException e) {
                      throw new java.io.InterruptedIOException();
                    }
                    return block;
                  }));
      assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
      List<Future<Block>> waiters = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiters.add(pool.submit(() -> cache.get(3, 0, () -> { loads.incrementAndGet(); return block; })));
      }
      // A lookup of another block is not held up by the load in flight.
      assertThat(pool.submit(() -> cache.get(3, 4096, () -> block)).get(10, TimeUnit.SECONDS)).isSameAs(block);
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS)).isSameAs(block);
      for (Future<Block> w : waiters) {
        assertThat(w.get(10, TimeUnit.SECONDS)).isSameAs(block);
      }
      assertThat(loads).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void noCacheLoadsEveryTime() throws IOException {
    BlockCache cache = BlockCache.none();
    AtomicInteger loads = new AtomicInteger();
    Block block = block(1);
    cache.get(1, 0, () -> { loads.incrementAndGet(); return block; });
    cache.get(1, 0, () -> { loads.incrementAndGet(); return block; });

    assertThat(loads).hasValue(2);
    assertThat(cache.stats().misses()).isEqualTo(2);
  }

  @Test
  void negativeCapacityIsRejected() {
    assertThatThrownBy(() -> BlockCache.caffeine(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void failedLoadsAreThrownToTheirCallersAndNotLogged() {
    List<java.util.logging.LogRecord> records;
    try (io.aloft.engine.testkit.LogRecords log = new io.aloft.engine.testkit.LogRecords()) {
      BlockCache cache = BlockCache.caffeine(1 << 20);
      for (int i = 0; i < 100; i++) {
        long offset = i;
        assertThatThrownBy(() -> cache.get(7, offset, () -> { throw new IOException("boom " + offset); }))
            .hasMessage("boom " + offset);
      }
      records = log.all();
    }
    assertThat(records).filteredOn(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()).isEmpty();
  }
}
