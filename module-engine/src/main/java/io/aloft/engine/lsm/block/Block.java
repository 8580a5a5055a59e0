package io.aloft.engine.lsm.block;

import io.aloft.engine.lsm.key.InternalKey;

import io.aloft.engine.lsm.key.EntryKind;

import io.aloft.spi.fs.Location;
import java.util.Arrays;

/**
 * A decoded block of an SST file: decompressed, checksum-verified and structurally validated, so that
 * searching it needs no further checks. Immutable, hence shareable by every reader thread and storable
 * in a {@link BlockCache}.
 *
 * <p>Content layout: entries, then one 4-byte big-endian offset per restart point, then the 4-byte
 * restart count (see {@code docs/format.md}).
 */
public final class Block {

  /** What a block holds, which decides what validation checks beyond the common structure. */
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

  private Block(byte[] data, int length, int restartsOffset, int restartCount) {
    this.data = data;
    this.length = length;
    this.restartsOffset = restartsOffset;
    this.restartCount = restartCount;
  }

  /** The block's uncompressed size, which is what it weighs in a cache. */
  public int sizeInBytes() {
    return length;
  }

  /** The offset of restart point {@code i} within the entries. */
  public int restart(int i) {
    return Coding.readInt(data, restartsOffset + 4 * i);
  }

  /**
   * Validates the content {@code data[0..length)} of the block of type {@code type} at file offset
   * {@code blockOffset} of {@code location}, and wraps it without copying.
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
    Block block = new Block(data, length, restartsOffset, (int) restartCount);
    block.validateEntries(type, new ByteReader(data, 0, restartsOffset, location, blockOffset, what));
    return block;
  }

  /** Walks every entry once, so that later searches can trust every length and offset. */
  private void validateEntries(Type type, ByteReader r) throws SstCorruptionException {
    if (restartCount == 0 && (restartsOffset != 0 || type == Type.DATA)) {
      throw r.corrupt(
          restartsOffset == 0 ? "a data block has no entries" : "entries but no restart points");
    }
    byte[] key = new byte[64];
    int keyLength = 0;
    byte[] previous = type == Type.DATA ? new byte[64] : null; // the previous internal key, to check order
    int previousLength = -1;
    int nextRestart = 0;
    while (r.hasRemaining()) {
      int entryStart = r.position();
      boolean isRestart = false;
      if (nextRestart < restartCount) {
        int restart = restart(nextRestart);
        if (restart < entryStart) {
          throw r.corrupt("restart point " + nextRestart + " at " + restart + " is not an entry start");
        }
        isRestart = restart == entryStart;
      }
      if (entryStart == 0 && !isRestart) {
        throw r.corrupt("the first entry is not a restart point");
      }
      int shared = r.varint32();
      int unshared = r.varint32();
      int valueLength = r.varint32();
      if (isRestart ? shared != 0 : shared > keyLength) {
        throw r.corrupt(
            "entry at " + entryStart + " shares " + shared + " bytes with a "
                + (isRestart ? "restart point" : keyLength + "-byte previous key"));
      }
      long newLength = (long) shared + unshared;
      if (newLength < type.trailerLength || newLength > r.remaining() + (long) shared) {
        throw r.corrupt("entry at " + entryStart + " has an impossible key length " + newLength);
      }
      if (key.length < newLength) {
        key = Arrays.copyOf(key, (int) Math.max(newLength, 2L * key.length));
      }
      System.arraycopy(data, r.position(), key, shared, unshared);
      keyLength = (int) newLength;
      r.skip(unshared, "key");
      r.skip(valueLength, "value");
      if (type == Type.DATA) {
        EntryKind kind = EntryKind.ofCode(key[keyLength - 1] & 0xFF);
        if (kind == null || (kind == EntryKind.DELETE && valueLength != 0)) {
          throw r.corrupt(
              "entry at " + entryStart + " has kind " + (key[keyLength - 1] & 0xFF)
                  + " with a " + valueLength + "-byte value");
        }
        // Searches assume internal order: user key ascending, then sequence number descending.
        if (previousLength >= 0 && !follows(previous, previousLength, key, keyLength)) {
          throw r.corrupt("entry at " + entryStart + " is out of key order");
        }
        if (previous.length < keyLength) {
          previous = Arrays.copyOf(previous, Math.max(keyLength, 2 * previous.length));
        }
        System.arraycopy(key, 0, previous, 0, keyLength);
        previousLength = keyLength;
      }
      if (isRestart) {
        nextRestart++;
      }
    }
    if (nextRestart != restartCount) {
      throw r.corrupt("restart point " + nextRestart + " is not an entry start");
    }
  }

  /** Whether internal key {@code b} comes strictly after {@code a}. */
  private static boolean follows(byte[] a, int aLength, byte[] b, int bLength) {
    int trailer = InternalKey.TRAILER_BYTES;
    int c = Arrays.compareUnsigned(a, 0, aLength - trailer, b, 0, bLength - trailer);
    if (c != 0) {
      return c < 0;
    }
    return seq(a, aLength) > seq(b, bLength);
  }

  private static long seq(byte[] key, int length) {
    long trailer = 0;
    for (int i = length - InternalKey.TRAILER_BYTES; i < length; i++) {
      trailer = (trailer << 8) | (key[i] & 0xFF);
    }
    return trailer >>> 8;
  }
}
