package io.aloft.engine.lsm.block;

import io.aloft.spi.fs.Location;
import java.io.IOException;

/**
 * An SST file is damaged: a checksum does not match, the file is truncated, its footer is not an Aloft
 * footer, its format version is unknown, or a length or varint inside a checksummed block is
 * impossible. The file must not be trusted; retrying the read will not help. The message names the file
 * and the byte offset of the block (or footer) found bad.
 */
public final class SstCorruptionException extends IOException {
  private static final long serialVersionUID = 1L;

  /** {@link #offset()} when the offset could not be determined. */
  public static final long UNKNOWN_OFFSET = -1;

  private final transient Location location;
  private final long offset;
  private final String detail;

  public SstCorruptionException(Location location, long offset, String detail) {
    this(location, offset, detail, null);
  }

  public SstCorruptionException(Location location, long offset, String detail, Throwable cause) {
    super(
        "Corrupt SST file " + location
            + (offset == UNKNOWN_OFFSET ? "" : " at byte offset " + offset) + ": " + detail,
        cause);
    this.location = location;
    this.offset = offset;
    this.detail = detail;
  }

  /** The same report for a bad spot whose offset became known later; this one is the cause. */
  public SstCorruptionException withOffset(long knownOffset) {
    return new SstCorruptionException(location, knownOffset, detail, this);
  }

  /** The damaged file. */
  public Location location() {
    return location;
  }

  /** The byte offset of the block or footer found bad, or {@link #UNKNOWN_OFFSET}. */
  public long offset() {
    return offset;
  }
}
