package io.aloft.engine.lsm.block;


/**
 * Where a block is stored: its file offset and the size of its stored (possibly compressed) bytes,
 * which the 5-byte trailer follows. A size of 0 marks an absent optional block.
 */
public record BlockHandle(long offset, int size) {

  public static final BlockHandle ABSENT = new BlockHandle(0, 0);

  public boolean isPresent() {
    return size != 0;
  }

  /** The offset just past the block's trailer. */
  public long end() {
    return offset + size + BlockCodec.BLOCK_TRAILER;
  }
}
