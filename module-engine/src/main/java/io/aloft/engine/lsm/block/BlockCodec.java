package io.aloft.engine.lsm.block;


import com.github.luben.zstd.Zstd;
import io.aloft.spi.fs.Location;
import java.util.Arrays;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The stored form of a block: its content, compressed or not, followed by the trailer (compression
 * byte, CRC32C of the stored bytes and the compression byte). A compressed block starts with the varint
 * length of its content, so that decompression is exact.
 */
public final class BlockCodec {
  private BlockCodec() {}

  /** The zstd level: zstd's own default. */
  public static final int ZSTD_LEVEL = 3;

  /** The block trailer: compression byte, then the CRC32C. */
  public static final int BLOCK_TRAILER = 5;

  /** The largest decompressed block a reader accepts, 1 GiB. */
  public static final int MAX_BLOCK_CONTENT = 1 << 30;

  // Both are stateless and thread-safe. The safe decompressor checks its input, the fast one does not.
  private static final LZ4Compressor LZ4_COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
  private static final LZ4SafeDecompressor LZ4_DECOMPRESSOR =
      LZ4Factory.fastestInstance().safeDecompressor();

  /** A block's content: {@code bytes[0..length)}. */
  public record Content(byte[] bytes, int length) {}

  /**
   * Compresses {@code src[0..length)} into {@code out} (reset first) with {@code compression} and
   * returns the compression used: {@link Compression#NONE}, leaving {@code out} unused, when it is
   * requested or when compressing does not save at least 1/8 of the bytes.
   */
  public static Compression compress(Compression compression, byte[] src, int length, ByteSink out) {
    if (compression == Compression.NONE || length < 8) {
      return Compression.NONE;
    }
    out.reset();
    out.writeVarint(length);
    int header = out.size();
    int bound =
        compression == Compression.LZ4
            ? LZ4_COMPRESSOR.maxCompressedLength(length)
            : (int) Math.min(Integer.MAX_VALUE - 16, Zstd.compressBound(length));
    out.ensureCapacity(header + bound);
    byte[] dst = out.array();
    int compressed;
    if (compression == Compression.LZ4) {
      compressed = LZ4_COMPRESSOR.compress(src, 0, length, dst, header, bound);
    } else {
      long n = Zstd.compressByteArray(dst, header, bound, src, 0, length, ZSTD_LEVEL);
      if (Zstd.isError(n)) {
        throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(n));
      }
      compressed = (int) n;
    }
    int stored = header + compressed;
    if (stored > length - length / 8) {
      return Compression.NONE;
    }
    out.setSize(stored);
    return compression;
  }

  /** The CRC32C stored in the trailer of {@code stored[off..off+length)} compressed as {@code code}. */
  public static int checksum(byte[] stored, int off, int length, byte code) {
    CRC32C crc = new CRC32C();
    crc.update(stored, off, length);
    crc.update(code);
    return (int) crc.getValue();
  }

  /**
   * Verifies and decodes the block stored at {@code buf[off..off+size)} followed by its trailer, which
   * is the {@code what} at file offset {@code fileOffset}. The content may share {@code buf} (when
   * uncompressed and {@code off == 0}).
   */
  public static Content decode(byte[] buf, int off, int size, Location location, long fileOffset, String what)
      throws SstCorruptionException {
    byte code = buf[off + size];
    int stored = Coding.readInt(buf, off + size + 1);
    int computed = checksum(buf, off, size, code);
    if (stored != computed) {
      throw new SstCorruptionException(
          location, fileOffset,
          what + " checksum mismatch: stored 0x" + Integer.toHexString(stored) + ", computed 0x"
              + Integer.toHexString(computed) + " over " + size + " bytes");
    }
    Compression compression = Compression.ofCode(code);
    if (compression == null) {
      throw new SstCorruptionException(location, fileOffset, what + ": unknown compression " + code);
    }
    if (compression == Compression.NONE) {
      return off == 0 ? new Content(buf, size) : new Content(Arrays.copyOfRange(buf, off, off + size), size);
    }
    ByteReader r = new ByteReader(buf, off, off + size, location, fileOffset, what);
    int length = r.varint32();
    if (length > BlockCodec.MAX_BLOCK_CONTENT) {
      throw r.corrupt("decompressed length " + length + " exceeds " + BlockCodec.MAX_BLOCK_CONTENT);
    }
    byte[] content = new byte[length];
    int from = r.position();
    int n;
    try {
      if (compression == Compression.LZ4) {
        n = LZ4_DECOMPRESSOR.decompress(buf, from, r.remaining(), content, 0, length);
      } else {
        long z = Zstd.decompressByteArray(content, 0, length, buf, from, r.remaining());
        if (Zstd.isError(z)) {
          throw r.corrupt("zstd: " + Zstd.getErrorName(z));
        }
        n = (int) z;
      }
    } catch (RuntimeException e) {
      throw r.corrupt(compression + " data does not decompress: " + e.getMessage(), e);
    }
    if (n != length) {
      throw r.corrupt(compression + " data decompresses to " + n + " bytes, not " + length);
    }
    return new Content(content, length);
  }
}
