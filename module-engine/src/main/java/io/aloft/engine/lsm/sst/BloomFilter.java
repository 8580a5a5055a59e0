package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.block.SstCorruptionException;

import io.aloft.engine.lsm.block.BlockCodec;

import io.aloft.spi.fs.Location;
import java.util.Arrays;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The per-file Bloom filter over distinct user keys, with double hashing: a key's 64-bit XXH64 hash
 * (seed 0) gives {@code h1} (low 32 bits) and {@code h2} (high 32 bits), and probe {@code i} (of
 * {@code k}) sets bit {@code (h1 + i * h2) mod m}. Bit {@code j} is bit {@code j & 7} of byte
 * {@code j >>> 3}. Stored as the {@code m / 8} bytes of bits followed by one byte {@code k}. Immutable.
 */
final class BloomFilter {
  /** The most probes a filter may use. */
  static final int MAX_PROBES = 30;

  private static final XXHash64 XXH64 = XXHashFactory.fastestJavaInstance().hash64();

  private final byte[] bits;
  private final long bitCount;
  private final int probes;

  private BloomFilter(byte[] bits, int probes) {
    this.bits = bits;
    this.bitCount = 8L * bits.length;
    this.probes = probes;
  }

  static long hash(byte[] key) {
    return XXH64.hash(key, 0, key.length, 0L);
  }

  /** The number of probes for {@code bitsPerKey}: {@code bitsPerKey * ln 2}, the optimum, rounded. */
  static int probes(int bitsPerKey) {
    return (int) Math.max(1, Math.min(MAX_PROBES, Math.round(bitsPerKey * Math.log(2))));
  }

  boolean mayContain(byte[] key) {
    return probe(bits, bitCount, probes, hash(key), false);
  }

  /**
   * Tests (or, with {@code set}, sets) the {@code probes} bits of hash {@code h} in {@code bits}. Bit
   * {@code i} is {@code (h1 + i * h2) mod m}, computed as a running sum so that only two divisions are
   * needed whatever the number of probes.
   */
  private static boolean probe(byte[] bits, long bitCount, int probes, long h, boolean set) {
    long bit = (h & 0xFFFF_FFFFL) % bitCount;
    long step = (h >>> 32) % bitCount;
    for (int i = 0; i < probes; i++) {
      int index = (int) (bit >>> 3);
      int mask = 1 << (bit & 7);
      if (set) {
        bits[index] |= (byte) mask;
      } else if ((bits[index] & mask) == 0) {
        return false;
      }
      bit += step;
      if (bit >= bitCount) {
        bit -= bitCount;
      }
    }
    return true;
  }

  /** Size of the filter in memory, for accounting. */
  int sizeInBytes() {
    return bits.length;
  }

  static BloomFilter decode(BlockCodec.Content content, Location location, long offset)
      throws SstCorruptionException {
    int length = content.length();
    int probes = length < 2 ? 0 : content.bytes()[length - 1] & 0xFF;
    if (probes < 1 || probes > MAX_PROBES) {
      throw new SstCorruptionException(
          location, offset, "filter block: " + length + " bytes with " + probes + " probes");
    }
    return new BloomFilter(Arrays.copyOf(content.bytes(), length - 1), probes);
  }

  /** Collects the hashes of the distinct keys of a file while it is written. Owned by the writer. */
  static final class Builder {
    private final int bitsPerKey;
    private long[] hashes = new long[1024];
    private int count;

    Builder(int bitsPerKey) {
      this.bitsPerKey = bitsPerKey;
    }

    void add(byte[] key) {
      add(key, key.length);
    }

    void add(byte[] key, int length) {
      if (count == hashes.length) {
        hashes = Arrays.copyOf(hashes, 2 * count);
      }
      hashes[count++] = XXH64.hash(key, 0, length, 0L);
    }

    int count() {
      return count;
    }

    /** The stored filter: the bits, then the probe count. */
    byte[] build() {
      long wanted = Math.max(64, (long) count * bitsPerKey);
      int bytes = (int) Math.min((wanted + 7) / 8, Integer.MAX_VALUE / 16);
      byte[] stored = new byte[bytes + 1];
      long bitCount = 8L * bytes;
      int probes = probes(bitsPerKey);
      for (int k = 0; k < count; k++) {
        probe(stored, bitCount, probes, hashes[k], true);
      }
      stored[bytes] = (byte) probes;
      return stored;
    }
  }
}
