package io.aloft.engine.lsm.block;

/**
 * The integer encodings of the SST format: fixed-width integers are big-endian, variable-width ones are
 * unsigned LEB128 varints (7 bits a byte, low group first, high bit set on every byte but the last).
 */
public final class Coding {
  private Coding() {}

  /** The most bytes a 32-bit varint takes. */
  public static final int MAX_VARINT32_BYTES = 5;

  /** The most bytes a 64-bit varint takes. */
  public static final int MAX_VARINT64_BYTES = 10;

  // Views of a byte array as big-endian ints and longs: one bounds check and one (unaligned) load or
  // store each, where reading byte by byte took four or eight of both.
  private static final java.lang.invoke.VarHandle INT =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);
  private static final java.lang.invoke.VarHandle LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  public static int readInt(byte[] b, int off) {
    return (int) INT.get(b, off);
  }

  public static long readLong(byte[] b, int off) {
    return (long) LONG.get(b, off);
  }

  public static void writeInt(byte[] b, int off, int v) {
    INT.set(b, off, v);
  }

  public static void writeLong(byte[] b, int off, long v) {
    LONG.set(b, off, v);
  }

  /**
   * Decodes the varint of at most 32 bits at {@code b[pos..limit)}: returns {@code value << 4 | length}
   * (value unsigned, length in bytes), or -1 when the bytes run out or the varint is longer or larger
   * than 32 bits allow.
   */
  public static long decodeVarint32(byte[] b, int pos, int limit) {
    long value = 0;
    for (int i = 0; i < MAX_VARINT32_BYTES; i++) {
      if (pos + i >= limit) {
        return -1;
      }
      int x = b[pos + i];
      value |= (long) (x & 0x7F) << (7 * i);
      if (x >= 0) {
        return value > 0xFFFF_FFFFL ? -1 : value << 4 | (i + 1);
      }
    }
    return -1;
  }

  /** The bytes the varint encoding of {@code value} (taken as unsigned) takes. */
  public static int varintLength(long value) {
    int n = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      n++;
    }
    return n;
  }

  /**
   * The key group of a user key: its first two bytes, big-endian; a shorter key counts as padded with
   * zero bytes.
   */
  public static int keyGroup(byte[] key) {
    return keyGroup(key, key.length);
  }

  /** The key group of the user key {@code key[0..length)}, as {@link #keyGroup(byte[])}. */
  public static int keyGroup(byte[] key, int length) {
    int hi = length > 0 ? key[0] & 0xFF : 0;
    int lo = length > 1 ? key[1] & 0xFF : 0;
    return hi << 8 | lo;
  }

  /** The key group of the largest key before the exclusive bound {@code end} (0 when none is). */
  public static int keyGroupBefore(byte[] end) {
    // A key below a longer end may share its two-byte prefix; below a two-byte (or shorter) end, every
    // key is in an earlier group.
    return end.length > 2 ? keyGroup(end) : Math.max(0, keyGroup(end) - 1);
  }
}
