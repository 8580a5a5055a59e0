package io.aloft.engine.lsm.sst;

/**
 * Where a block is stored: its file offset and the size of its stored (possibly compressed) bytes,
 * which the 5-byte trailer follows. A size of 0 marks an absent optional block.
 */
record BlockHandle(long offset, int size) {

  static final BlockHandle ABSENT = new BlockHandle(0, 0);

  boolean isPresent() {
    return size != 0;
  }

  /** The offset just past the block's trailer. */
  long end() {
    return offset + size + SstFormat.BLOCK_TRAILER;
  }
}
