package io.aloft.engine.lsm;

import io.aloft.engine.ForStOptions;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.engine.lsm.block.Compression;
import io.aloft.engine.lsm.sst.SstOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The tuning of one tree, read from the {@code state.backend.forst.*} keys.
 *
 * @param writeBufferBytes size at which the active memtable becomes immutable
 * @param writeBufferCount memtables (active + immutable) before writes stall for a flush
 * @param blockSize uncompressed data-block size
 * @param bloomBitsPerKey Bloom filter bits per key; 0 = no filter
 * @param compressionPerLevel compression of each level; the last entry applies to deeper levels
 * @param targetFileBytes size at which compaction starts a new output file
 * @param maxBytesLevelBase size limit of level 1; each deeper level may be ten times larger
 * @param level0CompactionTrigger level-0 files that start a compaction into level 1
 * @param level0StopWritesTrigger level-0 files at which writes stall until compaction catches up
 * @param blockCacheBytes capacity of the block cache
 * @param compactionThreads key ranges one compaction is split into, each merged on its own thread
 */
public record LsmOptions(
    long writeBufferBytes,
    int writeBufferCount,
    int blockSize,
    int bloomBitsPerKey,
    List<Compression> compressionPerLevel,
    long targetFileBytes,
    long maxBytesLevelBase,
    int level0CompactionTrigger,
    int level0StopWritesTrigger,
    long blockCacheBytes,
    int compactionThreads) {

  /** The default of {@code compaction.threads}: the available processors, at most 4. */
  public static int defaultCompactionThreads() {
    return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  public LsmOptions {
    compressionPerLevel = List.copyOf(compressionPerLevel);
    if (compressionPerLevel.isEmpty()) {
      throw new IllegalArgumentException("compressionPerLevel is empty");
    }
  }

  public static LsmOptions from(Config config) {
    String perLevel = config.get(ForStOptions.COMPRESSION_PER_LEVEL);
    List<Compression> compression = new ArrayList<>();
    for (String name : perLevel.split(",")) {
      try {
        compression.add(Compression.parse(name.trim()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            ForStOptions.COMPRESSION_PER_LEVEL.key(),
            "Invalid value for '" + ForStOptions.COMPRESSION_PER_LEVEL.key() + "': '" + perLevel
                + "' (expected a comma-separated list of none, lz4, zstd)",
            e);
      }
    }
    long blockSize = config.get(ForStOptions.BLOCK_SIZE).bytes();
    if (blockSize < 256 || blockSize > (64 << 20)) {
      throw new ConfigException(
          ForStOptions.BLOCK_SIZE.key(),
          "Invalid value for '" + ForStOptions.BLOCK_SIZE.key() + "': " + blockSize
              + " bytes (expected 256 bytes to 64mb)");
    }
    return new LsmOptions(
        Math.max(64 << 10, config.get(ForStOptions.WRITEBUFFER_SIZE).bytes()),
        config.get(ForStOptions.WRITEBUFFER_COUNT),
        (int) blockSize,
        config.get(ForStOptions.USE_BLOOM_FILTER)
            ? config.get(ForStOptions.BLOOM_BITS_PER_KEY)
            : 0,
        compression,
        Math.max(64 << 10, config.get(ForStOptions.TARGET_FILE_SIZE_BASE).bytes()),
        Math.max(64 << 10, config.get(ForStOptions.MAX_SIZE_LEVEL_BASE).bytes()),
        4,
        20,
        config.get(ForStOptions.BLOCK_CACHE_SIZE).bytes(),
        config.getOptional(ForStOptions.COMPACTION_THREADS).orElseGet(LsmOptions::defaultCompactionThreads));
  }

  /** The SST options of files written to {@code level}. */
  public SstOptions sstOptions(int level) {
    Compression c = compressionPerLevel.get(Math.min(level, compressionPerLevel.size() - 1));
    return new SstOptions(blockSize, 16, bloomBitsPerKey, c);
  }

  /** The size limit of {@code level} (1+). */
  public long maxBytes(int level) {
    long bytes = maxBytesLevelBase;
    for (int i = 1; i < level; i++) {
      bytes *= 10;
    }
    return bytes;
  }
}
