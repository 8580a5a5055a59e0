package io.aloft.engine.lsm.blockcache;

import io.aloft.engine.lsm.block.Block;

import java.io.IOException;

/**
 * Decoded data blocks shared by all {@link SstReader}s of one database, keyed by file id and block
 * offset. File ids must be unique among the files the cache ever sees. Implementations are
 * thread-safe.
 */
public interface BlockCache {

  /**
   * The block at {@code blockOffset} of file {@code fileId}: the cached one, or the one {@code loader}
   * reads, which is then cached. Concurrent lookups of a block being loaded wait for that load rather
   * than read it again. A failed load caches nothing and fails with the loader's own exception.
   */
  Block get(long fileId, long blockOffset, IOSupplier<Block> loader) throws IOException;

  /**
   * The block at {@code blockOffset} of file {@code fileId} if it is cached and loaded (counted as a
   * hit), else null (counted as nothing: the {@link #get} that follows counts it). Never waits.
   */
  Block getIfLoaded(long fileId, long blockOffset);

  /** Drops every cached block of a file, once the file is deleted. */
  void evictFile(long fileId);

  /** The counters so far. */
  BlockCacheStats stats();

  /** A loader that may fail with an {@link IOException}. */
  @FunctionalInterface
  interface IOSupplier<T> {
    T get() throws IOException;
  }

  /** A cache that caches nothing: every lookup loads (and counts as a miss). */
  static BlockCache none() {
    return new NoBlockCache();
  }

  /**
   * A sharded CLOCK cache holding at most {@code capacityBytes} of uncompressed blocks.
   *
   * @throws IllegalArgumentException if {@code capacityBytes} is negative
   */
  static BlockCache clock(long capacityBytes) {
    return new ClockBlockCache(capacityBytes);
  }
}
