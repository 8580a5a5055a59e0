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
}
