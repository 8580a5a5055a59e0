package io.aloft.engine.lsm;

/**
 * A snapshot of a tree's counters.
 *
 * @param flushes memtables flushed to files
 * @param compactions compactions finished
 * @param writeStalls times a writer waited for a flush or for level 0 to shrink
 * @param writeStallNanos total time writers waited
 * @param level0Files files in level 0 now
 * @param liveFiles live files in all levels
 * @param liveBytes bytes of live files
 * @param bytesFlushed bytes written by flushes
 * @param bytesCompacted bytes written by compactions
 * @param remoteReads read requests sent to the primary storage (file tails and uncached blocks)
 * @param blockCacheHits block-cache hits
 * @param blockCacheMisses block-cache misses
 * @param compactionDebtBytes bytes compaction must rewrite to bring every level within its limit
 */
public record LsmMetrics(
    long flushes,
    long compactions,
    long writeStalls,
    long writeStallNanos,
    int level0Files,
    int liveFiles,
    long liveBytes,
    long bytesFlushed,
    long bytesCompacted,
    long remoteReads,
    long blockCacheHits,
    long blockCacheMisses,
    long compactionDebtBytes) {

  /** Each counter by its exported name (the README's metrics section lists them), after {@code prefix}. */
  public void export(String prefix, java.util.function.BiConsumer<String, Long> to) {
    to.accept(prefix + "flushes", flushes);
    to.accept(prefix + "compactions", compactions);
    to.accept(prefix + "write-stalls", writeStalls);
    to.accept(prefix + "write-stall-nanos", writeStallNanos);
    to.accept(prefix + "level0-files", (long) level0Files);
    to.accept(prefix + "live-files", (long) liveFiles);
    to.accept(prefix + "live-bytes", liveBytes);
    to.accept(prefix + "bytes-flushed", bytesFlushed);
    to.accept(prefix + "bytes-compacted", bytesCompacted);
    to.accept(prefix + "sst-read-requests", remoteReads);
    to.accept(prefix + "block-cache.hits", blockCacheHits);
    to.accept(prefix + "block-cache.misses", blockCacheMisses);
    to.accept(prefix + "compaction-debt-bytes", compactionDebtBytes);
  }
}
