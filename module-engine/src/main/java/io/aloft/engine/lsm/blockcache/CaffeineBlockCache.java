package io.aloft.engine.lsm.blockcache;

import io.aloft.engine.lsm.block.Block;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link BlockCache#caffeine(long)}: a Caffeine cache of blocks, weighed by uncompressed block bytes.
 *
 * <p>A miss loads the block in the calling thread, outside any lock of the cache (a remote read can take
 * a hundred milliseconds, and a loading function run inside the map's compute would block unrelated keys
 * of the same hash bin that long), and registers the load in a map of loads in flight, so that other
 * threads missing the same block wait for it instead of reading it again. Only finished blocks enter the
 * cache: an async cache of futures would be written twice per miss (the future, then its re-weighing
 * when it completes), and that doubled the cache's maintenance on every miss. Maintenance (eviction)
 * runs on the calling threads, not on a pool.
 */
final class CaffeineBlockCache implements BlockCache {

  private record Key(long fileId, long offset) {}

  private final Cache<Key, Block> cache;
  private final ConcurrentHashMap<Key, CompletableFuture<Block>> loading = new ConcurrentHashMap<>();
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
            .build();
  }

  @Override
  public Block get(long fileId, long blockOffset, IOSupplier<Block> loader) throws IOException {
    Key key = new Key(fileId, blockOffset);
    Block block = cache.getIfPresent(key);
    if (block != null) {
      hits.increment();
      return block;
    }
    CompletableFuture<Block> mine = new CompletableFuture<>();
    CompletableFuture<Block> theirs = loading.putIfAbsent(key, mine);
    if (theirs == null) {
      // No second lookup: a block loaded and cached in the instant between the lookup and the
      // registration is read once more (rare, and harmless), where looking again cost every miss a
      // second probe of the cache's table.
      misses.increment();
      return load(key, mine, loader);
    }
    hits.increment();
    try {
      return theirs.join();
    } catch (CompletionException | CancellationException e) {
      // Another thread's load failed: load without caching, so this thread gets its own exception
      // (of the loader's type, with its own stack trace) or, if the failure was transient, the block.
      return loader.get();
    }
  }

  @Override
  public Block getIfLoaded(long fileId, long blockOffset) {
    Block block = cache.getIfPresent(new Key(fileId, blockOffset));
    if (block != null) {
      hits.increment();
    }
    return block;
  }

  private Block load(Key key, CompletableFuture<Block> mine, IOSupplier<Block> loader)
      throws IOException {
    Block block;
    try {
      block = loader.get();
    } catch (IOException | RuntimeException | Error e) {
      loading.remove(key, mine);
      mine.cancel(false); // waiting threads load again and get their own failure
      throw e;
    }
    cache.put(key, block);
    loading.remove(key, mine);
    mine.complete(block);
    return block;
  }

  @Override
  public void evictFile(long fileId) {
    cache.asMap().keySet().removeIf(key -> key.fileId() == fileId);
  }

  @Override
  public BlockCacheStats stats() {
    long weight = cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    return new BlockCacheStats(hits.sum(), misses.sum(), evictions.sum(), weight);
  }

  @Override
  public String toString() {
    return "BlockCache.caffeine(" + capacityBytes + " bytes)";
  }
}
