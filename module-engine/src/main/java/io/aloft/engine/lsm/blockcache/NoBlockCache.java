package io.aloft.engine.lsm.blockcache;

import io.aloft.engine.lsm.block.Block;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/** {@link BlockCache#none()}: loads every block. */
final class NoBlockCache implements BlockCache {
  private final LongAdder misses = new LongAdder();

  @Override
  public Block get(long fileId, long blockOffset, IOSupplier<Block> loader) throws IOException {
    misses.increment();
    return loader.get();
  }

  @Override
  public Block getIfLoaded(long fileId, long blockOffset) {
    return null;
  }

  @Override
  public void evictFile(long fileId) {}

  @Override
  public BlockCacheStats stats() {
    return new BlockCacheStats(0, misses.sum(), 0, 0);
  }

  @Override
  public String toString() {
    return "BlockCache.none()";
  }
}
