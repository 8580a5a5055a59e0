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

/** The CLOCK block cache: hits, misses, weight, eviction, failed and concurrent loads. */
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

  /** A load that says it started ({@code loading}) and returns {@code block} once {@code release} opens. */
  private static Block loadHeldUntil(CountDownLatch loading, CountDownLatch release, Block block)
      throws IOException {
    loading.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      throw new java.io.InterruptedIOException();
    }
    return block;
  }

  /** Waits (10 s at most) until the cache has counted {@code hits} hits: lookups waiting on a load count. */
  private static void awaitHits(BlockCache cache, long hits) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (cache.stats().hits() < hits && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(cache.stats().hits()).isEqualTo(hits);
  }

  @Test
  void secondLookupIsAHitAndWeighsTheBlocksBytes() throws IOException {
    BlockCache cache = BlockCache.clock(1 << 20);
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
    BlockCache cache = BlockCache.clock(block.sizeInBytes() * 5L);
    for (int i = 0; i < 50; i++) {
      cache.get(1, i, () -> block);
    }

    BlockCacheStats stats = cache.stats();
    assertThat(stats.weightBytes()).isLessThanOrEqualTo(block.sizeInBytes() * 5L);
    assertThat(stats.evictions()).isGreaterThanOrEqualTo(45);
  }

  @Test
  void evictFileDropsOnlyThatFilesBlocks() throws IOException {
    BlockCache cache = BlockCache.clock(1 << 20);
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
    BlockCache cache = BlockCache.clock(1 << 20);
    IOException failure = new SstCorruptionException(null, 7, "bad");

    assertThatThrownBy(() -> cache.get(1, 7, () -> { throw failure; })).isSameAs(failure);
    Block block = block(1);
    assertThat(cache.get(1, 7, () -> block)).isSameAs(block);
  }

  @Test
  void concurrentLookupsOfOneBlockLoadItOnce() throws Exception {
    BlockCache cache = BlockCache.clock(1 << 20);
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
                    return loadHeldUntil(loading, release, block);
                  }));
      assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
      List<Future<Block>> waiters = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiters.add(pool.submit(() -> cache.get(3, 0, () -> { loads.incrementAndGet(); return block; })));
      }
      awaitHits(cache, 3); // all three wait on the load in flight, not on a cached block
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
    assertThatThrownBy(() -> BlockCache.clock(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void failedLoadsAreThrownToTheirCallersAndNotLogged() {
    List<java.util.logging.LogRecord> records;
    try (io.aloft.engine.testkit.LogRecords log = new io.aloft.engine.testkit.LogRecords()) {
      BlockCache cache = BlockCache.clock(1 << 20);
      for (int i = 0; i < 100; i++) {
        long offset = i;
        assertThatThrownBy(() -> cache.get(7, offset, () -> { throw new IOException("boom " + offset); }))
            .hasMessage("boom " + offset);
      }
      records = log.all();
    }
    assertThat(records).filteredOn(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()).isEmpty();
  }

  @Test
  void aBlockReadAgainSurvivesTheSweepThatEvictsColdOnes() throws IOException {
    Block block = block(10);
    BlockCache cache = BlockCache.clock(block.sizeInBytes() * 4L);
    cache.get(1, 0, () -> block); // the hot block
    for (int i = 1; i <= 40; i++) {
      cache.get(1, 0, () -> block); // read again before each new block comes in: its bit is set
      cache.get(1, i * 4096L, () -> block);
    }
    AtomicInteger loads = new AtomicInteger();
    cache.get(1, 0, () -> { loads.incrementAndGet(); return block; });
    assertThat(loads).hasValue(0);
    assertThat(cache.stats().weightBytes()).isLessThanOrEqualTo(block.sizeInBytes() * 4L);
  }

  @Test
  void aBlockLargerThanTheCacheIsReturnedButNotKeptAndEvictsNothing() throws IOException {
    Block small = block(1);
    BlockCache cache = BlockCache.clock(small.sizeInBytes() * 4L);
    Block big = block(100);
    assertThat(big.sizeInBytes()).isGreaterThan(small.sizeInBytes() * 4);
    for (int i = 0; i < 3; i++) {
      cache.get(1, i, () -> small);
    }
    AtomicInteger loads = new AtomicInteger();
    assertThat(cache.get(2, 0, () -> { loads.incrementAndGet(); return big; })).isSameAs(big);
    assertThat(cache.get(2, 0, () -> { loads.incrementAndGet(); return big; })).isSameAs(big);
    assertThat(loads).hasValue(2);
    for (int i = 0; i < 3; i++) {
      assertThat(cache.getIfLoaded(1, i)).as("small block %d", i).isSameAs(small);
    }
    assertThat(cache.stats().weightBytes()).isEqualTo(3L * small.sizeInBytes());
  }

  @Test
  void aFailedLoadWakesItsWaitersWhoLoadForThemselves() throws Exception {
    BlockCache cache = BlockCache.clock(1 << 20);
    Block block = block(2);
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Block> failing =
          pool.submit(
              () ->
                  cache.get(9, 0, () -> {
                    loadHeldUntil(loading, release, block);
                    throw new IOException("remote read failed");
                  }));
      assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
      Future<Block> waiter = pool.submit(() -> cache.get(9, 0, () -> block));
      awaitHits(cache, 1);
      release.countDown();
      assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("remote read failed");
      assertThat(waiter.get(10, TimeUnit.SECONDS)).isSameAs(block);
      assertThat(cache.stats().misses()).isEqualTo(2); // both loaded; neither counts as a hit
      assertThat(cache.stats().hits()).isZero();
      assertThat(cache.getIfLoaded(9, 0)).isNull(); // the waiter's own load is not cached
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aLoaderThatReturnsNullFailsAndLeavesNothingPending() throws IOException {
    BlockCache cache = BlockCache.clock(1 << 20);
    assertThatThrownBy(() -> cache.get(4, 0, () -> null)).isInstanceOf(NullPointerException.class);
    Block block = block(1);
    assertThat(cache.get(4, 0, () -> block)).isSameAs(block);
  }

  @Test
  void aFileEvictedWhileOneOfItsBlocksLoadsDoesNotGetItBack() throws Exception {
    BlockCache cache = BlockCache.clock(1 << 20);
    Block block = block(3);
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Block> load =
          pool.submit(
              () ->
                  cache.get(5, 0, () -> loadHeldUntil(loading, release, block)));
      assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
      cache.evictFile(5); // the file was deleted while its block was being read
      release.countDown();
      assertThat(load.get(10, TimeUnit.SECONDS)).isSameAs(block);
      assertThat(cache.getIfLoaded(5, 0)).isNull();
      assertThat(cache.stats().weightBytes()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void manyThreadsOverManyBlocksAlwaysGetTheirOwnBlockAndStayWithinCapacity() throws Exception {
    Block[] blocks = new Block[64];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = block(1 + i % 7);
    }
    long capacity = 8L * blocks[6].sizeInBytes();
    BlockCache cache = BlockCache.clock(capacity);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        workers.add(
            pool.submit(
                () -> {
                  java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
                  int wrong = 0;
                  for (int n = 0; n < 20_000; n++) {
                    int b = random.nextInt(blocks.length);
                    long file = b % 4;
                    if (random.nextInt(500) == 0) {
                      cache.evictFile(file);
                    }
                    Block got = cache.get(file, b * 4096L, () -> blocks[b]);
                    Block loaded = cache.getIfLoaded(file, b * 4096L);
                    if (got != blocks[b] || (loaded != null && loaded != blocks[b])) {
                      wrong++;
                    }
                  }
                  return wrong;
                }));
      }
      for (Future<Integer> w : workers) {
        assertThat(w.get(60, TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
    BlockCacheStats stats = cache.stats();
    assertThat(stats.weightBytes()).isBetween(0L, capacity);
    assertThat(stats.hits() + stats.misses()).isBetween(80_000L, 160_000L); // every get, and the getIfLoaded hits
  }

  /**
   * A seeded run of gets, file evictions and lookups over many small blocks, against a map of what was
   * loaded: the table's probing, growing and back-shifting removals never lose or misplace a block.
   */
  @Test
  void aRandomRunOfGetsAndEvictionsKeepsEveryBlockUnderItsOwnKey() throws IOException {
    java.util.SplittableRandom random = new java.util.SplittableRandom(19);
    Block[] sizes = {block(1), block(2), block(5)};
    BlockCache cache = BlockCache.clock(60L * sizes[2].sizeInBytes()); // one shard, about 100 blocks
    java.util.Map<Long, Block> loaded = new java.util.HashMap<>(); // key: file << 32 | block number
    for (int n = 0; n < 50_000; n++) {
      long file = random.nextInt(6);
      long number = random.nextInt(200);
      long key = file << 32 | number;
      int op = random.nextInt(100);
      if (op == 0) {
        cache.evictFile(file);
        loaded.keySet().removeIf(k -> k >>> 32 == file);
      } else if (op < 30) {
        Block got = cache.getIfLoaded(file, number * 4096);
        if (got != null) {
          assertThat(got).as("block %d of file %d", number, file).isSameAs(loaded.get(key));
        }
      } else {
        Block fresh = block(1 + random.nextInt(5)); // a new object each load: identity shows whose it is
        Block got = cache.get(file, number * 4096, () -> fresh);
        Block expected = loaded.containsKey(key) && got != fresh ? loaded.get(key) : fresh;
        assertThat(got).as("block %d of file %d", number, file).isSameAs(expected);
        loaded.put(key, got);
        assertThat(cache.getIfLoaded(file, number * 4096)).isSameAs(got); // just admitted: still there
      }
    }
    long weight = 0;
    for (var e : loaded.entrySet()) {
      Block got = cache.getIfLoaded(e.getKey() >>> 32, (e.getKey() & 0xFFFF_FFFFL) * 4096);
      if (got != null) {
        assertThat(got).isSameAs(e.getValue());
        weight += got.sizeInBytes();
      }
    }
    assertThat(cache.stats().weightBytes()).isEqualTo(weight).isLessThanOrEqualTo(60L * sizes[2].sizeInBytes());
  }
}
