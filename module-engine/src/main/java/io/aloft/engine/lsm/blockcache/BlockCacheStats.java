package io.aloft.engine.lsm.blockcache;

/**
 * A snapshot of a {@link BlockCache}'s counters since it was created.
 *
 * @param hits lookups served from the cache (including waits for another thread's load)
 * @param misses lookups that loaded the block
 * @param evictions blocks dropped to stay within capacity (not counting {@link BlockCache#evictFile})
 * @param weightBytes uncompressed bytes of the blocks cached now
 */
public record BlockCacheStats(long hits, long misses, long evictions, long weightBytes) {

  /** Hits over lookups, or 0 before the first lookup. */
  public double hitRate() {
    long lookups = hits + misses;
    return lookups == 0 ? 0 : (double) hits / lookups;
  }
}
