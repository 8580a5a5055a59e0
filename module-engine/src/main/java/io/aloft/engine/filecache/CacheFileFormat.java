package io.aloft.engine.filecache;

import io.aloft.spi.fs.Location;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * How a local copy is stored, and where.
 *
 * <p>A copy is one file (format version 1): the remote file's bytes at their own offsets, then a table
 * with one CRC32C per chunk of data, then a fixed 32-byte footer:
 *
 * <pre>
 * data          length bytes, exactly as in the remote file
 * chunk CRCs    ceil(length / chunkSize) big-endian CRC32C values, one per chunk of data (the last
 *               chunk may be short)
 * footer        magic "ALFTCACH" (8) | version 1 (4) | chunkSize (4) | length (8)
 *               | CRC32C of the chunk-CRC table (4) | CRC32C of the 28 footer bytes before it (4)
 * </pre>
 *
 * <p>Every read of a copy checks the CRCs of the chunks it touches, so a copy damaged on disk at any time
 * — not only at a crash — is never served. A copy whose size is not {@code length + 4 * chunks + 32},
 * or whose footer or table fails its CRC, is treated as absent.
 *
 * <p>Copies live below the cache's {@code files/} directory at {@code <scheme>/<authority>/<path>},
 * each name percent-encoded to {@code [A-Za-z0-9._-]} and the empty authority written {@code _}, so the
 * remote location can be read back from the local path after a restart.
 */
final class CacheFileFormat {
  static final long MAGIC = 0x414C4654_43414348L; // "ALFTCACH"
  static final int VERSION = 1;
  static final int FOOTER_BYTES = 32;
  static final int CRC_BYTES = 4;

  private CacheFileFormat() {}

  /** The validated footer of a copy. */
  record Footer(int chunkSize, long length) {
    long chunks() {
      return CacheFileFormat.chunks(length, chunkSize);
    }

    long diskBytes() {
      return CacheFileFormat.diskBytes(length, chunkSize);
    }
  }

  static long chunks(long length, int chunkSize) {
    return (length + chunkSize - 1) / chunkSize;
  }

  /** The size of the copy of a file of {@code length} bytes. */
  static long diskBytes(long length, int chunkSize) {
    return length + CRC_BYTES * chunks(length, chunkSize) + FOOTER_BYTES;
  }

  /** The chunk-CRC table and footer that follow {@code length} bytes of data. */
  static byte[] trailer(int[] crcs, int count, int chunkSize, long length) {
    ByteBuffer out = ByteBuffer.allocate(CRC_BYTES * count + FOOTER_BYTES);
    for (int i = 0; i < count; i++) {
      out.putInt(crcs[i]);
    }
    CRC32C tableCrc = new CRC32C();
    tableCrc.update(out.array(), 0, CRC_BYTES * count);
    int footer = out.position();
    out.putLong(MAGIC).putInt(VERSION).putInt(chunkSize).putLong(length).putInt((int) tableCrc.getValue());
    CRC32C footerCrc = new CRC32C();
    footerCrc.update(out.array(), footer, FOOTER_BYTES - CRC_BYTES);
    out.putInt((int) footerCrc.getValue());
    return out.array();
  }

  /**
   * Checks a copy's size, footer and chunk-CRC table (not its data: reads check that).
   *
   * @throws CorruptCacheFileException if any of them is wrong
   */
  static Footer validate(FileChannel channel, Path path) throws IOException {
    long size = channel.size();
    if (size < FOOTER_BYTES) {
      throw new CorruptCacheFileException(path, "only " + size + " bytes, shorter than a footer");
    }
    ByteBuffer footer = ByteBuffer.allocate(FOOTER_BYTES);
    readFully(channel, footer, size - FOOTER_BYTES, path);
    CRC32C crc = new CRC32C();
    crc.update(footer.array(), 0, FOOTER_BYTES - CRC_BYTES);
    footer.flip();
    long magic = footer.getLong();
    int version = footer.getInt();
    int chunkSize = footer.getInt();
    long length = footer.getLong();
    int tableCrc = footer.getInt();
    int footerCrc = footer.getInt();
    if (magic != MAGIC || footerCrc != (int) crc.getValue()) {
      throw new CorruptCacheFileException(path, "no valid footer");
    }
    if (version != VERSION) {
      throw new CorruptCacheFileException(path, "format version " + version + ", expected " + VERSION);
    }
    if (chunkSize <= 0 || length < 0 || diskBytes(length, chunkSize) != size) {
      throw new CorruptCacheFileException(
          path, size + " bytes on disk for " + length + " bytes of data in chunks of " + chunkSize);
    }
    long tableBytes = CRC_BYTES * chunks(length, chunkSize);
    if (tableBytes > Integer.MAX_VALUE) {
      throw new CorruptCacheFileException(path, "chunk table of " + tableBytes + " bytes");
    }
    ByteBuffer table = ByteBuffer.allocate((int) tableBytes);
    readFully(channel, table, length, path);
    crc.reset();
    crc.update(table.array());
    if ((int) crc.getValue() != tableCrc) {
      throw new CorruptCacheFileException(path, "chunk-CRC table does not match its checksum");
    }
    return new Footer(chunkSize, length);
  }

  /** Fills {@code buffer} from {@code position}; a copy that ends early is damaged. */
  static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path path) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new CorruptCacheFileException(path, "ends at " + at + ", before " + (position + buffer.limit()));
      }
      at += n;
    }
  }

  /** Where the copy of {@code location} lives below {@code filesDir}. */
  static Path pathOf(Path filesDir, Location location) {
    Path p =
        filesDir
            .resolve(encode(location.scheme()))
            .resolve(location.authority().isEmpty() ? "_" : encode(location.authority()));
    for (String segment : location.path().substring(1).split("/")) {
      p = p.resolve(encode(segment));
    }
    return p;
  }

  /**
   * The remote location whose copy is {@code file} (below {@code filesDir}).
   *
   * @throws IllegalArgumentException if the path is not one {@link #pathOf} makes
   */
  static Location locationOf(Path filesDir, Path file) {
    Path relative = filesDir.relativize(file);
    if (relative.getNameCount() < 3) {
      throw new IllegalArgumentException("not a cache path: " + relative);
    }
    String authority = relative.getName(1).toString();
    StringBuilder path = new StringBuilder();
    for (int i = 2; i < relative.getNameCount(); i++) {
      path.append('/').append(decode(relative.getName(i).toString()));
    }
    return new Location(
        decode(relative.getName(0).toString()),
        authority.equals("_") ? "" : decode(authority),
        path.toString());
  }

  private static boolean plain(int b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' || b == '.';
  }

  static String encode(String name) {
    boolean dotsOnly = name.chars().allMatch(c -> c == '.');
    StringBuilder out = new StringBuilder(name.length());
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (plain(c) && !(dotsOnly && c == '.')) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  static String decode(String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%') {
        if (i + 2 >= name.length()) {
          throw new IllegalArgumentException("bad escape in cache path name '" + name + "'");
        }
        int hi = Character.digit(name.charAt(i + 1), 16);
        int lo = Character.digit(name.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad escape in cache path name '" + name + "'");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (plain(c)) {
        out.write(c);
      } else {
        throw new IllegalArgumentException("'" + c + "' in cache path name '" + name + "'");
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static EOFException eof(Location location, long position, int length, long fileLength) {
    return new EOFException(
        "reading " + length + " bytes at position " + position + " of " + location + ", which has "
            + fileLength + " bytes");
  }
}
