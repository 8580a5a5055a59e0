package io.aloft.engine.lsm.block;


import io.aloft.spi.fs.Location;
import java.util.Arrays;

/**
 * Bounds-checked decoding of one block or footer: every impossible length or varint becomes an
 * {@link SstCorruptionException} naming the file and the offset of the block, never an
 * array index error.
 */
public final class ByteReader {
  private final byte[] buf;
  private final int limit;
  private final Location location;
  private final long blockOffset;
  private final String what;
  private int pos;

  /**
   * Reads {@code buf[from..limit)}, which is the content of the {@code what} at file offset
   * {@code blockOffset}.
   */
  public ByteReader(byte[] buf, int from, int limit, Location location, long blockOffset, String what) {
    this.buf = buf;
    this.pos = from;
    this.limit = limit;
    this.location = location;
    this.blockOffset = blockOffset;
    this.what = what;
  }

  public int position() {
    return pos;
  }

  public void seek(int newPos) {
    pos = newPos;
  }

  public boolean hasRemaining() {
    return pos < limit;
  }

  public int remaining() {
    return limit - pos;
  }

  public int varint32() throws SstCorruptionException {
    long packed = Coding.decodeVarint32(buf, pos, limit);
    if (packed < 0) {
      throw corrupt("malformed or truncated varint at block position " + pos);
    }
    pos += (int) (packed & 0xF);
    long value = packed >>> 4;
    if (value > Integer.MAX_VALUE) {
      throw corrupt("length " + value + " at block position " + pos + " is impossible");
    }
    return (int) value;
  }

  public long varint64() throws SstCorruptionException {
    long value = 0;
    for (int i = 0; i < Coding.MAX_VARINT64_BYTES; i++) {
      if (pos >= limit) {
        break;
      }
      int x = buf[pos++];
      if (i == Coding.MAX_VARINT64_BYTES - 1 && (x & 0xFF) > 1) {
        break; // more than 64 bits
      }
      value |= (long) (x & 0x7F) << (7 * i);
      if (x >= 0) {
        return value;
      }
    }
    throw corrupt("malformed or truncated varint at block position " + pos);
  }

  public int u8() throws SstCorruptionException {
    need(1, "byte");
    return buf[pos++] & 0xFF;
  }

  public int int32() throws SstCorruptionException {
    need(4, "32-bit integer");
    int v = Coding.readInt(buf, pos);
    pos += 4;
    return v;
  }

  public long int64() throws SstCorruptionException {
    need(8, "64-bit integer");
    long v = Coding.readLong(buf, pos);
    pos += 8;
    return v;
  }

  /** Skips {@code n} bytes after checking they are there. */
  public void skip(int n, String of) throws SstCorruptionException {
    need(n, of);
    pos += n;
  }

  public byte[] bytes(int n, String of) throws SstCorruptionException {
    need(n, of);
    byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return b;
  }

  /** A varint length, then that many bytes. */
  public byte[] lengthPrefixed(String of) throws SstCorruptionException {
    return bytes(varint32(), of);
  }

  public void expectEnd() throws SstCorruptionException {
    if (pos != limit) {
      throw corrupt((limit - pos) + " unexpected bytes at block position " + pos);
    }
  }

  public SstCorruptionException corrupt(String detail) {
    return corrupt(detail, null);
  }

  public SstCorruptionException corrupt(String detail, Throwable cause) {
    return new SstCorruptionException(location, blockOffset, what + ": " + detail, cause);
  }

  private void need(int n, String of) throws SstCorruptionException {
    if (n < 0 || n > limit - pos) {
      throw corrupt(
          "a " + n + "-byte " + of + " at block position " + pos + " runs past the end ("
              + (limit - pos) + " bytes left)");
    }
  }
}
