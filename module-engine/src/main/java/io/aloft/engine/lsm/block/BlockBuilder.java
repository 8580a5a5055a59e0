package io.aloft.engine.lsm.block;

import java.util.Arrays;

/**
 * Builds the uncompressed content of one block: prefix-compressed entries with a restart point every
 * {@code restartInterval} entries, then the restart offsets and their count (see {@code docs/format.md}).
 * Keys must be added in the order readers search them; values are opaque. Owned by one writer thread.
 */
public final class BlockBuilder {
  /** Bytes an entry adds beyond its key and value at most: three varints and a restart offset. */
  private static final int MAX_ENTRY_OVERHEAD = 3 * Coding.MAX_VARINT32_BYTES + 4;

  private final int restartInterval;
  private final ByteSink buf;
  private int[] restarts = new int[16];
  private int restartCount;
  private int sinceRestart;
  private byte[] lastKey = new byte[64];
  private int lastKeyLength;
  private int entries;

  public BlockBuilder(int restartInterval, int expectedSize) {
    this.restartInterval = restartInterval;
    this.buf = new ByteSink(expectedSize + expectedSize / 4);
  }

  public void add(byte[] key, int keyLength, byte[] value) {
    add(key, keyLength, value, 0, value.length);
  }

  /** Appends key {@code key[0..keyLength)} with value {@code value[valueOffset..valueOffset+valueLength)}. */
  public void add(byte[] key, int keyLength, byte[] value, int valueOffset, int valueLength) {
    int shared = 0;
    if (entries == 0 || sinceRestart == restartInterval) {
      if (restartCount == restarts.length) {
        restarts = Arrays.copyOf(restarts, restartCount * 2);
      }
      restarts[restartCount++] = buf.size();
      sinceRestart = 0;
    } else {
      int mismatch = Arrays.mismatch(lastKey, 0, lastKeyLength, key, 0, keyLength);
      shared = mismatch < 0 ? keyLength : mismatch;
    }
    buf.writeVarint(shared);
    buf.writeVarint(keyLength - shared);
    buf.writeVarint(valueLength);
    buf.write(key, shared, keyLength - shared);
    buf.write(value, valueOffset, valueLength);
    if (lastKey.length < keyLength) {
      lastKey = Arrays.copyOf(lastKey, Math.max(keyLength, 2 * lastKey.length));
    }
    System.arraycopy(key, shared, lastKey, shared, keyLength - shared);
    lastKeyLength = keyLength;
    sinceRestart++;
    entries++;
  }

  public boolean isEmpty() {
    return entries == 0;
  }

  /** The size of the block if it were finished now. */
  public int currentSize() {
    return buf.size() + 4 * restartCount + 4;
  }

  /** At least the size of the block after adding an entry of these sizes. */
  public long sizeWith(int keyLength, int valueLength) {
    return (long) currentSize() + keyLength + valueLength + MAX_ENTRY_OVERHEAD;
  }

  /** Appends the restart array and returns the content: {@code [0, size())} of the sink. */
  public ByteSink finish() {
    for (int i = 0; i < restartCount; i++) {
      buf.writeInt(restarts[i]);
    }
    buf.writeInt(restartCount);
    return buf;
  }

  /** Starts a new, empty block. */
  public void reset() {
    buf.reset();
    restartCount = 0;
    sinceRestart = 0;
    lastKeyLength = 0;
    entries = 0;
  }
}
