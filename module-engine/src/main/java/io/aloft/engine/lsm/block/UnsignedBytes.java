package io.aloft.engine.lsm.block;

/**
 * Lexicographic order of unsigned byte ranges, the order of every key in the engine, written for the
 * short keys of a seek: eight bytes at a time as big-endian longs, then byte by byte. For ranges of a
 * few dozen bytes this is cheaper than {@link java.util.Arrays#compareUnsigned}, whose mismatch search
 * pays a setup meant for long arrays on every call (#19: a seek compares its target with a dozen keys).
 */
public final class UnsignedBytes {
  private UnsignedBytes() {}

  /**
   * {@code a[aFrom..aTo)} compared with {@code b[bFrom..bTo)}: negative, zero or positive as the first
   * is below, equal to or above the second (a proper prefix is below). Same sign as {@link
   * java.util.Arrays#compareUnsigned(byte[], int, int, byte[], int, int)}.
   */
  public static int compare(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
    int aLength = aTo - aFrom;
    int bLength = bTo - bFrom;
    int common = Math.min(aLength, bLength);
    int i = 0;
    for (; i + Long.BYTES <= common; i += Long.BYTES) {
      long x = Coding.readLong(a, aFrom + i);
      long y = Coding.readLong(b, bFrom + i);
      if (x != y) {
        return Long.compareUnsigned(x, y);
      }
    }
    for (; i < common; i++) {
      int c = (a[aFrom + i] & 0xFF) - (b[bFrom + i] & 0xFF);
      if (c != 0) {
        return c;
      }
    }
    return aLength - bLength;
  }

  /**
   * The first 8 bytes of {@code b[off..off+len)} as a big-endian long, zero-padded past {@code len}
   * (zero when {@code len <= 0}). Where two such longs of keys at the same position differ, their
   * unsigned order is the keys' order: a key that ends early is a prefix of the other, and below it.
   * The memtable and the block index compare keys by these first.
   */
  public static long paddedLong(byte[] b, int off, int len) {
    if (len >= Long.BYTES) {
      return Coding.readLong(b, off);
    }
    long p = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      p = p << 8 | (i < len ? b[off + i] & 0xFF : 0);
    }
    return p;
  }
}
