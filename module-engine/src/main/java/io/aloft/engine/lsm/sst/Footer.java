package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.block.SstCorruptionException;

import io.aloft.engine.lsm.block.BlockCodec;

import io.aloft.engine.lsm.block.BlockHandle;
import io.aloft.engine.lsm.block.Coding;

import io.aloft.spi.fs.Location;

/**
 * The fixed-size end of an SST file (format versions 1 and 2: 76 bytes, big-endian). Its last 16 bytes have
 * the same layout in every format version: the version, a CRC32C of everything before it, the magic.
 *
 * <pre>
 *  0  u64 tail offset        8  u32 tail length (bytes from the tail offset to the footer)
 * 12  u64 index offset      20  u32 index size
 * 24  u64 filter offset     32  u32 filter size           (0: no filter)
 * 36  u64 tombstones offset 44  u32 range-tombstone size  (0: no range tombstones)
 * 48  u64 properties offset 56  u32 properties size
 * 60  u32 format version    64  u32 CRC32C of bytes [0, 64)
 * 68  u64 magic "ALOFTSST"
 * </pre>
 */
public record Footer(
    int version,
    long tailOffset,
    long tailLength,
    BlockHandle index,
    BlockHandle filter,
    BlockHandle rangeTombstones,
    BlockHandle properties) {

  /** The size of a version-1 or version-2 footer. */
  public static final int SIZE = 76;

  private static final int VERSION_POS = SIZE - 16;
  private static final int CRC_POS = SIZE - 12;
  private static final int MAGIC_POS = SIZE - 8;

  /** The offset of the footer, which is also the length of the file without it. */
  public long footerOffset() {
    return tailOffset + tailLength;
  }

  public long fileSize() {
    return footerOffset() + SIZE;
  }

  byte[] encode() {
    byte[] b = new byte[SIZE];
    Coding.writeLong(b, 0, tailOffset);
    Coding.writeInt(b, 8, (int) tailLength);
    int pos = 12;
    for (BlockHandle h : new BlockHandle[] {index, filter, rangeTombstones, properties}) {
      Coding.writeLong(b, pos, h.offset());
      Coding.writeInt(b, pos + 8, h.size());
      pos += 12;
    }
    Coding.writeInt(b, VERSION_POS, version);
    Coding.writeInt(b, CRC_POS, crc(b, 0));
    Coding.writeLong(b, MAGIC_POS, SstFormat.MAGIC);
    return b;
  }

  /**
   * Decodes and checks the footer at {@code buf[off..off+SIZE)}, which sits at file offset
   * {@code footerOffset} ({@link SstCorruptionException#UNKNOWN_OFFSET} if not known yet).
   */
  static Footer decode(byte[] buf, int off, Location location, long footerOffset)
      throws SstCorruptionException {
    long magic = Coding.readLong(buf, off + MAGIC_POS);
    if (magic != SstFormat.MAGIC) {
      throw corrupt(location, footerOffset,
          "bad magic 0x" + Long.toHexString(magic) + ": not an Aloft SST file, or truncated");
    }
    int version = Coding.readInt(buf, off + VERSION_POS);
    if (version < SstFormat.OLDEST_READ_VERSION || version > SstFormat.FORMAT_VERSION) {
      throw corrupt(location, footerOffset,
          "unknown format version " + Integer.toUnsignedString(version) + " (this reader reads versions "
              + SstFormat.OLDEST_READ_VERSION + " to " + SstFormat.FORMAT_VERSION + ")");
    }
    int stored = Coding.readInt(buf, off + CRC_POS);
    int computed = crc(buf, off);
    if (stored != computed) {
      throw corrupt(location, footerOffset,
          "checksum mismatch: stored 0x" + Integer.toHexString(stored) + ", computed 0x"
              + Integer.toHexString(computed));
    }
    long tailOffset = Coding.readLong(buf, off);
    long tailLength = Coding.readInt(buf, off + 8) & 0xFFFF_FFFFL;
    BlockHandle[] handles = new BlockHandle[4];
    for (int i = 0; i < 4; i++) {
      int pos = off + 12 + 12 * i;
      long size = Coding.readInt(buf, pos + 8) & 0xFFFF_FFFFL;
      if (size > Integer.MAX_VALUE - BlockCodec.BLOCK_TRAILER) {
        throw corrupt(location, footerOffset, "impossible block size " + size);
      }
      handles[i] = new BlockHandle(Coding.readLong(buf, pos), (int) size);
    }
    Footer footer = new Footer(version, tailOffset, tailLength, handles[0], handles[1], handles[2], handles[3]);
    footer.checkTailLayout(location, footerOffset);
    return footer;
  }

  /** The tail blocks must tile the tail exactly, in the order index, filter, tombstones, properties. */
  private void checkTailLayout(Location location, long footerOffset) throws SstCorruptionException {
    if (tailOffset < 0 || tailLength > Integer.MAX_VALUE - SIZE) {
      throw corrupt(location, footerOffset,
          "impossible tail at offset " + tailOffset + " of " + tailLength + " bytes");
    }
    if (!index.isPresent() || !properties.isPresent()) {
      throw corrupt(location, footerOffset, "the index or properties block is missing");
    }
    long expected = tailOffset;
    for (BlockHandle h : new BlockHandle[] {index, filter, rangeTombstones, properties}) {
      if (!h.isPresent()) {
        if (h.offset() != 0) {
          throw corrupt(location, footerOffset, "an absent block has offset " + h.offset());
        }
        continue;
      }
      if (h.offset() != expected) {
        throw corrupt(location, footerOffset,
            "tail block at offset " + h.offset() + " where offset " + expected + " was expected");
      }
      expected = h.end();
    }
    if (expected != footerOffset()) {
      throw corrupt(location, footerOffset,
          "the tail blocks end at " + expected + ", not at the footer offset " + footerOffset());
    }
  }

  private static int crc(byte[] buf, int off) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(buf, off, CRC_POS);
    return (int) crc.getValue();
  }

  private static SstCorruptionException corrupt(Location location, long offset, String detail) {
    return new SstCorruptionException(location, offset, "footer: " + detail);
  }
}
