package io.aloft.engine.lsm.blockcache;

import io.aloft.engine.lsm.block.Block;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link BlockCache#caffeine(long)}: a Caffeine cache of futures, weighed by uncompressed block bytes.
 *
 * <p>A miss installs an incomplete future and loads the block in the calling thread, outside any lock of
 * the cache: a remote read can take a hundred milliseconds, and a loading function run inside the map's
 * compute would block unrelated keys of the same hash bin that long. Threads that find the future wait
 * for it. Maintenance (eviction) runs on the calling threads, not on a pool.
 */
final class CaffeineBlockCache implements BlockCache {

  private record Key(long fileId, long offset) {}

  private final AsyncCache<Key, Block> cache;
  private final long capacityBytes;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  CaffeineBlockCache(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("capacityBytes must not be negative: " + capacityBytes);
    }
    this.capacityBytes = capacityBytes;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(capacityBytes)
            .<Key, Block>weigher((key, block) -> block.sizeInBytes())
            .executor(Runnable::run)
            .evictionListener(
                (key, block, cause) -> {
                  if (cause.wasEvicted()) {
                    evictions.increment();
                  }
                })
            .buildAsync();
  }

  @Override
  public Block get(long fileId, long blockOffset, IOSupplier<Block> loader) throws IOException {
    Key key = new Key(fileId, blockOffset);
    CompletableFuture<Block> found = cache.getIfPresent(key);
    if (found == null) {
      CompletableFuture<Block> mine = new CompletableFuture<>();
      found = cache.asMap().putIfAbsent(key, mine);
      if (found == null) {
        misses.increment();
        return load(key, mine, loader);
      }
    }
    hits.increment();
    try {
      return found.join();
    } catch (CompletionException | CancellationException e) {
      // Another thread's load failed: load without caching, so this thread gets its own exception
      // (of the loader's type, with its own stack trace) or, if the failure was transient, the block.
      return loader.get();
    }
  }

  @Override
  public Block getIfLoaded(long fileId, long blockOffset) {
    CompletableFuture<Block> found = cache.getIfPresent(new Key(fileId, blockOffset));
    if (found == null || !found.isDone() || found.isCompletedExceptionally()) {
      return null;
    }
    hits.increment();
    return found.join();
  }

  private Block load(Key key, CompletableFuture<Block> mine, IOSupplier<Block> loader)
      throws IOException {
    Block block;
    try {
      block = loader.get();
    } catch (IOException | RuntimeException | Error e) {
      cache.asMap().remove(key, mine);
      // Cancelled, not failed: Caffeine logs a WARNING with the whole stack trace for every future that
      // fails, once per failed read (thousands in a failed restore); the caller gets the failure thrown
      // below, and threads waiting on this load load again and get their own.
      mine.cancel(false);
      throw e;
    }
    mine.complete(block);
    return block;
  }

  @Override
  public void evictFile(long fileId) {
    cache.asMap().keySet().removeIf(key -> key.fileId() == fileId);
  }

  @Override
  public BlockCacheStats stats() {
    long weight =
        cache.synchronous().policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    return new BlockCacheStats(hits.sum(), misses.sum(), evictions.sum(), weight);
  }

  @Override
  public String toString() {
    return "BlockCache.caffeine(" + capacityBytes + " bytes)";
  }
}
