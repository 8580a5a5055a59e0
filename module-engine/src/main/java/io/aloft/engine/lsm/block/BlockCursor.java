package io.aloft.engine.lsm.block;

import io.aloft.engine.lsm.key.InternalKey;

import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryKind;

import java.util.Arrays;

/**
 * A position in one {@link Block}: binary search over the restart points, then a forward scan that
 * rebuilds each key from its shared prefix into a reused buffer, so moving and searching allocate
 * nothing. Relies on the block having been validated by {@link Block#parse}. Owned by one thread.
 */
public final class BlockCursor {
  private final int trailerLength;
  private Block block;
  private byte[] data;
  private int pos;
  private int nextEntry;
  private boolean valid;
  private byte[] key = new byte[64];
  private int keyLength;
  private int valueOffset;
  private int valueLength;

  /** A cursor for blocks whose keys end with {@code trailerLength} bytes after the user key. */
  public BlockCursor(int trailerLength) {
    this.trailerLength = trailerLength;
  }

  /** Moves to {@code newBlock}, not yet positioned. */
  public BlockCursor reset(Block newBlock) {
    block = newBlock;
    data = newBlock.data;
    valid = false;
    return this;
  }

  public boolean valid() {
    return valid;
  }

  public void seekToFirst() {
    nextEntry = 0;
    keyLength = 0;
    advance();
  }

  public void next() {
    advance();
  }

  /** Positions at the first entry whose user key is at least {@code target}; invalid if none is. */
  public void seek(byte[] target) {
    // The last restart point with a smaller user key: the versions of a key may span restart points,
    // so a restart point holding the target itself may not hold its newest version.
    int from = 0;
    int lo = 0;
    int hi = block.restartCount - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (compareRestartKey(mid, target) < 0) {
        from = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    nextEntry = block.restart(from);
    keyLength = 0;
    advance();
    while (valid && compareUserKey(target) < 0) {
      advance();
    }
  }

  /** The current user key compared with {@code target}, unsigned. */
  public int compareUserKey(byte[] target) {
    return Arrays.compareUnsigned(key, 0, keyLength - trailerLength, target, 0, target.length);
  }

  /** The current key, trailer included: {@code keyBuffer()[0..keyLength())}. */
  public byte[] keyBuffer() {
    return key;
  }

  public int keyLength() {
    return keyLength;
  }

  public byte[] keyCopy() {
    return Arrays.copyOf(key, keyLength);
  }

  public byte[] valueCopy() {
    return Arrays.copyOfRange(data, valueOffset, valueOffset + valueLength);
  }

  public int valueOffset() {
    return valueOffset;
  }

  public int valueLength() {
    return valueLength;
  }

  public byte[] data() {
    return data;
  }

  /** The current entry of a data block. */
  public Entry entry() {
    long trailer = Coding.readLong(key, keyLength - InternalKey.TRAILER_BYTES);
    return new Entry(
        Arrays.copyOf(key, keyLength - InternalKey.TRAILER_BYTES),
        trailer >>> 8,
        EntryKind.ofCode((int) (trailer & 0xFF)),
        valueCopy());
  }

  private int compareRestartKey(int restart, byte[] target) {
    pos = block.restart(restart);
    varint(); // shared: 0 at a restart point
    int unshared = varint();
    varint(); // value length
    return Arrays.compareUnsigned(data, pos, pos + unshared - trailerLength, target, 0, target.length);
  }

  private void advance() {
    if (nextEntry >= block.restartsOffset) {
      valid = false;
      return;
    }
    pos = nextEntry;
    int shared = varint();
    int unshared = varint();
    valueLength = varint();
    int newLength = shared + unshared;
    if (key.length < newLength) {
      key = Arrays.copyOf(key, Math.max(newLength, 2 * key.length));
    }
    System.arraycopy(data, pos, key, shared, unshared);
    keyLength = newLength;
    valueOffset = pos + unshared;
    nextEntry = valueOffset + valueLength;
    valid = true;
  }

  private int varint() {
    byte b = data[pos];
    if (b >= 0) {
      pos++;
      return b;
    }
    long packed = Coding.decodeVarint32(data, pos, block.restartsOffset);
    pos += (int) (packed & 0xF);
    return (int) (packed >>> 4);
  }
}
