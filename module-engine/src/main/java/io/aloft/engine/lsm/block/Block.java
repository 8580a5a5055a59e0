package io.aloft.engine.lsm.block;

import io.aloft.engine.lsm.key.InternalKey;


import io.aloft.spi.fs.Location;

/**
 * A decoded block of an SST file: decompressed and checksum-verified, its restart array checked. Its
 * entries are checked by the {@link BlockCursor} as it reads them (lengths within the block, keys in
 * order, restart points at entry starts, known entry kinds), not all up front: a block read for one get
 * decodes only the restart interval the get needs. The checksum already covers every byte, so these
 * checks fire only for a file written wrong, and then as an {@link SstCorruptionException} naming the
 * file and the block's offset. Immutable, hence shareable by every reader thread and storable in a
 * {@link BlockCache}.
 *
 * <p>Content layout: entries, then one 4-byte big-endian offset per restart point, then the 4-byte
 * restart count (see {@code docs/format.md}).
 */
public final class Block {

  /** What a block holds, which decides what its cursor checks beyond the common structure. */
  public enum Type {
    /** Entries keyed by internal key (user key + 8-byte trailer); at least one entry. */
    DATA(InternalKey.TRAILER_BYTES),
    /** Index, properties and range-tombstone blocks: plain keys, possibly no entries. */
    META(0);

    final int trailerLength;

    Type(int trailerLength) {
      this.trailerLength = trailerLength;
    }
  }

  public final byte[] data;
  public final int length;
  public final int restartsOffset;
  public final int restartCount;
  private final Location location;
  private final long blockOffset;
  private final String what;

  private Block(byte[] data, int length, int restartsOffset, int restartCount, Location location, long blockOffset, String what) {
    this.data = data;
    this.length = length;
    this.restartsOffset = restartsOffset;
    this.restartCount = restartCount;
    this.location = location;
    this.blockOffset = blockOffset;
    this.what = what;
  }

  /** The block's uncompressed size, which is what it weighs in a cache. */
  public int sizeInBytes() {
    return length;
  }

  /** The offset of restart point {@code i} within the entries. */
  public int restart(int i) {
    return Coding.readInt(data, restartsOffset + 4 * i);
  }

  /** A report that this block is damaged, naming its file and offset. */
  SstCorruptionException corrupt(String detail) {
    return new SstCorruptionException(location, blockOffset, what + ": " + detail);
  }

  /**
   * Checks the restart array of the content {@code data[0..length)} of the block of type {@code type} at
   * file offset {@code blockOffset} of {@code location}, and wraps it without copying. The entries are
   * checked as cursors read them.
   */
  public static Block parse(byte[] data, int length, Type type, Location location, long blockOffset)
      throws SstCorruptionException {
    String what = type == Type.DATA ? "data block" : "block";
    ByteReader r = new ByteReader(data, 0, length, location, blockOffset, what);
    if (length < 4) {
      throw r.corrupt(length + " bytes cannot hold the restart count");
    }
    long restartCount = Coding.readInt(data, length - 4) & 0xFFFF_FFFFL;
    if (restartCount > (length - 4) / 4) {
      throw r.corrupt(restartCount + " restart points do not fit in " + length + " bytes");
    }
    int restartsOffset = length - 4 - 4 * (int) restartCount;
    Block block = new Block(data, length, restartsOffset, (int) restartCount, location, blockOffset, what);
    if (restartCount == 0 && (restartsOffset != 0 || type == Type.DATA)) {
      throw r.corrupt(restartsOffset == 0 ? "a data block has no entries" : "entries but no restart points");
    }
    int previous = -1;
    for (int i = 0; i < restartCount; i++) {
      int restart = block.restart(i);
      if (i == 0 && restart != 0) {
        throw r.corrupt("the first entry is not a restart point");
      }
      if (restart <= previous || restart >= restartsOffset) {
        throw r.corrupt("restart point " + i + " at " + restart + " is not an entry start");
      }
      previous = restart;
    }
    return block;
  }
}
