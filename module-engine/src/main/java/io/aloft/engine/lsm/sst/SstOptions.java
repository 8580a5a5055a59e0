package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.block.Compression;

import java.util.Objects;

/**
 * How an {@link SstWriter} lays out a file. Readers need none of these: everything a reader needs is in
 * the file.
 *
 * @param blockSize target uncompressed size of a data block in bytes (default 4096, Flink's
 *     {@code state.backend.forst.block.blocksize}). A block is closed before the entry that would take
 *     it past this size, so blocks hold at least one entry and an entry larger than a block gets a
 *     block of its own. Larger blocks: smaller index, fewer remote reads per scan, more bytes per get.
 * @param restartInterval entries between restart points (full keys) in a data block (default 16).
 *     Smaller: faster point lookups, larger blocks.
 * @param bloomBitsPerKey Bloom filter bits per distinct user key (default 10, about 1% false
 *     positives); 0 writes no filter, so every get of an absent key reads a data block
 * @param compression the block compression (default LZ4); a block that does not shrink by at least
 *     1/8 is stored uncompressed
 */
public record SstOptions(int blockSize, int restartInterval, int bloomBitsPerKey, Compression compression) {

  /** The largest block size accepted, 256 MiB. */
  public static final int MAX_BLOCK_SIZE = 256 << 20;

  /** The most Bloom filter bits per key accepted. */
  public static final int MAX_BLOOM_BITS_PER_KEY = 64;

  public SstOptions {
    if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
      throw new IllegalArgumentException(
          "blockSize must be in [1, " + MAX_BLOCK_SIZE + "] bytes, not " + blockSize);
    }
    if (restartInterval < 1) {
      throw new IllegalArgumentException("restartInterval must be at least 1, not " + restartInterval);
    }
    if (bloomBitsPerKey < 0 || bloomBitsPerKey > MAX_BLOOM_BITS_PER_KEY) {
      throw new IllegalArgumentException(
          "bloomBitsPerKey must be in [0, " + MAX_BLOOM_BITS_PER_KEY + "], not " + bloomBitsPerKey);
    }
    Objects.requireNonNull(compression, "compression");
  }

  /** 4096-byte blocks, a restart every 16 entries, 10 Bloom bits per key, LZ4. */
  public static SstOptions defaults() {
    return new SstOptions(4096, 16, 10, Compression.LZ4);
  }

  /** These options with another block size. */
  public SstOptions withBlockSize(int newBlockSize) {
    return new SstOptions(newBlockSize, restartInterval, bloomBitsPerKey, compression);
  }

  /** These options with another restart interval. */
  public SstOptions withRestartInterval(int newRestartInterval) {
    return new SstOptions(blockSize, newRestartInterval, bloomBitsPerKey, compression);
  }

  /** These options with another number of Bloom bits per key (0: no filter). */
  public SstOptions withBloomBitsPerKey(int newBloomBitsPerKey) {
    return new SstOptions(blockSize, restartInterval, newBloomBitsPerKey, compression);
  }

  /** These options with another compression. */
  public SstOptions withCompression(Compression newCompression) {
    return new SstOptions(blockSize, restartInterval, bloomBitsPerKey, newCompression);
  }
}
