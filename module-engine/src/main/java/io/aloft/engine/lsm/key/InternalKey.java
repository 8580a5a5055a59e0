package io.aloft.engine.lsm.key;

/**
 * How an {@link Entry}'s user key, sequence number and kind are laid out as one internal key, as
 * RocksDB's {@code dbformat.h} does: the user key, then an 8-byte big-endian trailer {@code seq << 8 |
 * kind}. Internal keys order by user key ascending, then by sequence number descending.
 */
public final class InternalKey {
  private InternalKey() {}

  /** Bytes after the user key in an internal key: {@code seq << 8 | kind}, big-endian. */
  public static final int TRAILER_BYTES = 8;

  /** Sequence numbers are below {@code 2^56}, so that seq and kind share 8 bytes. */
  public static final long SEQ_LIMIT = 1L << 56;

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int DESCRIBED_BYTES = 48;

  /** {@code 0x…} hex of a key or value for messages, cut after 48 bytes. */
  public static String describe(byte[] bytes) {
    int shown = Math.min(bytes.length, DESCRIBED_BYTES);
    StringBuilder s = new StringBuilder(2 + 2 * shown + 24).append("0x");
    for (int i = 0; i < shown; i++) {
      s.append(HEX[(bytes[i] >> 4) & 0xF]).append(HEX[bytes[i] & 0xF]);
    }
    if (shown < bytes.length) {
      s.append("…(").append(bytes.length).append(" bytes)");
    }
    return s.toString();
  }
}
