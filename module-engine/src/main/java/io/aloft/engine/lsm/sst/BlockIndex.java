package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.block.SstCorruptionException;

import io.aloft.engine.lsm.block.BlockCodec;

import io.aloft.engine.lsm.block.Block;
import io.aloft.engine.lsm.block.BlockCursor;
import io.aloft.engine.lsm.block.BlockHandle;
import io.aloft.engine.lsm.block.UnsignedBytes;
import io.aloft.engine.lsm.block.ByteReader;
import io.aloft.engine.lsm.block.ByteSink;

import io.aloft.spi.fs.Location;
import java.util.Arrays;

/**
 * The decoded index block: for each data block, a separator user key and its handle. Separator
 * {@code i} is at least the last user key of block {@code i} and below the first user key of block
 * {@code i + 1} (equal to it when the versions of one key span both blocks). So the first block whose
 * separator is at least a key is the only block that can hold that key's newest version. Immutable.
 */
public final class BlockIndex {
  // The separators back to back in one array (separator i is separators[starts[i]..starts[i + 1])),
  // so that a binary search touches two flat arrays instead of one object per step.
  private final byte[] separators;
  private final int[] starts;
  private final long[] offsets;
  private final int[] sizes;
  // The first 16 bytes of each separator as two unsigned big-endian longs (zero-padded), side by side:
  // separator i's are prefixes[2i] and prefixes[2i + 1], on one cache line. A search compares these and
  // reads a separator's bytes only when its 16-byte prefix equals the key's. Where the padded prefixes
  // differ, their order is the separators' order (a separator that ends early is a prefix of the other
  // and below it). 16 bytes, not 8: keys of one state share their first bytes, and blocks often split
  // the keys of one prefix, so 8-byte prefixes sent many searches to the separators' bytes, a further
  // cache miss in an index the processor's caches no longer hold (#19).
  private final long[] prefixes;

  private BlockIndex(byte[] separators, int[] starts, long[] offsets, int[] sizes) {
    this.separators = separators;
    this.starts = starts;
    this.offsets = offsets;
    this.sizes = sizes;
    this.prefixes = new long[2 * offsets.length];
    for (int i = 0; i < offsets.length; i++) {
      int length = starts[i + 1] - starts[i];
      prefixes[2 * i] = UnsignedBytes.paddedLong(separators, starts[i], length);
      prefixes[2 * i + 1] = UnsignedBytes.paddedLong(separators, starts[i] + 8, length - 8);
    }
  }

  public int count() {
    return offsets.length;
  }

  public long offset(int block) {
    return offsets[block];
  }

  public int size(int block) {
    return sizes[block];
  }

  /** Separator {@code block}, copied. */
  public byte[] separator(int block) {
    return Arrays.copyOfRange(separators, starts[block], starts[block + 1]);
  }

  /** The first block whose separator is at least {@code userKey}, or {@link #count()} if none is. */
  int find(byte[] userKey) {
    long key0 = UnsignedBytes.paddedLong(userKey, 0, userKey.length);
    long key1 = UnsignedBytes.paddedLong(userKey, 8, userKey.length - 8);
    // The first block whose prefix is not below the key's: every block before it has a smaller
    // separator. The halving is written without a branch on the comparison, so that the compiler can
    // make the choice a conditional move: for a random key each step goes either way at random, and a
    // branch there would be mispredicted half the time.
    long[] p = prefixes;
    int count = offsets.length;
    if (count == 0) {
      return 0;
    }
    int base = 0;
    int n = count;
    while (n > 1) {
      int half = n >>> 1;
      base = below(p, base + half, key0, key1) ? base + half : base;
      n -= half;
    }
    int lo = below(p, base, key0, key1) ? base + 1 : base;
    if (lo == count || !samePrefix(p, lo, key0, key1)) {
      return lo;
    }
    // Blocks from lo on whose 16-byte prefix equals the key's: the first whose whole separator is at
    // least the key.
    int hi = count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int c =
          !samePrefix(p, mid, key0, key1)
              ? 1 // a larger prefix: the run of equal ones ended before mid
              : UnsignedBytes.compare(separators, starts[mid], starts[mid + 1], userKey, 0, userKey.length);
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Whether separator {@code i}'s 16-byte prefix is {@code (key0, key1)}. */
  private static boolean samePrefix(long[] p, int i, long key0, long key1) {
    return p[2 * i] == key0 && p[2 * i + 1] == key1;
  }

  /** Whether separator {@code i}'s 16-byte prefix is below {@code (key0, key1)}; no branch. */
  private static boolean below(long[] p, int i, long key0, long key1) {
    long p0 = p[2 * i];
    return Long.compareUnsigned(p0, key0) < 0 | (p0 == key0 & Long.compareUnsigned(p[2 * i + 1], key1) < 0);
  }

  /** The value of an index entry: the block's offset and stored size, as varints. */
  static void encodeHandle(BlockHandle handle, ByteSink out) {
    out.reset();
    out.writeVarint(handle.offset());
    out.writeVarint(handle.size());
  }

  /**
   * A short key {@code s} with {@code last <= s < next} when {@code last < next}, or {@code last} itself
   * when {@code last} is a prefix of {@code next} (including equal). Shortening keeps the index small
   * for keys that share long prefixes, as keys of one state do. The keys are {@code
   * last[0..lastLength)} and {@code next[0..nextLength)}.
   */
  static byte[] separator(byte[] last, int lastLength, byte[] next, int nextLength) {
    int diff = Arrays.mismatch(last, 0, lastLength, next, 0, nextLength);
    if (diff >= 0 && diff < lastLength) {
      int b = last[diff] & 0xFF;
      if (b < 0xFF && b + 1 < (next[diff] & 0xFF)) {
        byte[] s = Arrays.copyOf(last, diff + 1);
        s[diff] = (byte) (b + 1);
        return s;
      }
    }
    return Arrays.copyOf(last, lastLength);
  }

  /**
   * Decodes and checks the index of a file whose data blocks end where its tail starts, at
   * {@code tailOffset}; the blocks must follow each other without gaps from offset 0.
   */
  static BlockIndex decode(Block block, long tailOffset, Location location, long indexOffset)
      throws SstCorruptionException {
    int n = 0;
    BlockCursor cursor = new BlockCursor(0).reset(block);
    for (cursor.seekToFirst(); cursor.valid(); cursor.next()) {
      n++;
    }
    ByteSink separators = new ByteSink(Math.max(16, 16 * n));
    int[] starts = new int[n + 1];
    long[] offsets = new long[n];
    int[] sizes = new int[n];
    long expected = 0;
    int i = 0;
    for (cursor.seekToFirst(); cursor.valid(); cursor.next(), i++) {
      ByteReader value =
          new ByteReader(
              cursor.data(), cursor.valueOffset(), cursor.valueOffset() + cursor.valueLength(),
              location, indexOffset, "index block");
      long offset = value.varint64();
      int size = value.varint32();
      value.expectEnd();
      if (offset != expected || size == 0 || size > Integer.MAX_VALUE - BlockCodec.BLOCK_TRAILER) {
        throw value.corrupt(
            "entry " + i + " describes a " + size + "-byte block at offset " + offset
                + " where the block at offset " + expected + " was expected");
      }
      starts[i] = separators.size();
      if (i > 0
          && Arrays.compareUnsigned(separators.array(), starts[i - 1], starts[i], cursor.keyBuffer(), 0, cursor.keyLength()) > 0) {
        throw value.corrupt("separators out of order at entry " + i);
      }
      separators.write(cursor.keyBuffer(), 0, cursor.keyLength());
      offsets[i] = offset;
      sizes[i] = size;
      expected = offset + size + BlockCodec.BLOCK_TRAILER;
    }
    if (expected != tailOffset) {
      throw new SstCorruptionException(
          location, indexOffset,
          "index block: data blocks end at " + expected + ", but the tail starts at " + tailOffset);
    }
    starts[n] = separators.size();
    return new BlockIndex(Arrays.copyOf(separators.array(), separators.size()), starts, offsets, sizes);
  }
}
