package io.aloft.benchmarks;

/**
 * The tuning both engines get, set to the same value on each side (see docs/benchmarks.md, "Settings").
 * The defaults are the Flink / ForSt defaults where Aloft has them and RocksDB's where it does not.
 *
 * @param writeBufferBytes memtable size at which it is switched and flushed (both: 64 MiB)
 * @param writeBufferCount memtables (active + immutable) before writes stall (both: 2)
 * @param blockSize uncompressed data-block size (both: 4 KiB)
 * @param bloomBitsPerKey Bloom filter bits per key, whole keys (both: 10)
 * @param targetFileBytes compaction output file size (both: 64 MiB)
 * @param maxBytesLevelBase size limit of level 1, ×10 per deeper level (both: 256 MiB)
 * @param level0CompactionTrigger level-0 files that start a compaction (both: 4)
 * @param level0StopWritesTrigger level-0 files at which writes stop (both: 20)
 * @param blockCacheBytes block cache capacity (uncompressed blocks on both sides)
 */
public record EngineSettings(
    long writeBufferBytes,
    int writeBufferCount,
    int blockSize,
    int bloomBitsPerKey,
    long targetFileBytes,
    long maxBytesLevelBase,
    int level0CompactionTrigger,
    int level0StopWritesTrigger,
    long blockCacheBytes) {

  public static final long MIB = 1L << 20;

  /** The benchmark settings with a block cache of {@code blockCacheBytes}. */
  public static EngineSettings withBlockCache(long blockCacheBytes) {
    return new EngineSettings(64 * MIB, 2, 4096, 10, 64 * MIB, 256 * MIB, 4, 20, blockCacheBytes);
  }
}
