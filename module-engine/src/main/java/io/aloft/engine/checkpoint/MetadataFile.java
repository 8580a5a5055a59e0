package io.aloft.engine.checkpoint;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The framing shared by the small metadata files of the checkpoint root (checkpoint parts, leases, holds)
 * and the {@code hashmap} backend's checkpoint file: the body, then the CRC32C of the body as a
 * big-endian int32. Such a file is read and written whole. Bodies start with a magic (int64) and a
 * format version (int32); lengths and counts inside them are checked against the bytes that remain
 * ({@link #bytes}, {@link #count}) before anything is allocated.
 */
public final class MetadataFile {
  private MetadataFile() {}

  /** Bodies above this are not metadata: a damaged or foreign file, refused before allocating. */
  private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  /**
   * Writes {@code body} and its checksum to {@code location}: exclusively (an existing file is then a
   * {@link java.nio.file.FileAlreadyExistsException}) or replacing what is there.
   *
   * @return the bytes written
   */
  public static long write(StateFileSystem fs, Location location, byte[] body, boolean exclusive)
      throws IOException {
    CRC32C crc = new CRC32C();
    crc.update(body);
    byte[] trailer = ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
    FileOutput out =
        exclusive ? fs.newOutputFile(location).createExclusive() : fs.newOutputFile(location).create();
    try {
      out.write(body);
      out.write(trailer);
    } catch (IOException | RuntimeException e) {
      out.abort();
      throw e;
    }
    out.close();
    return body.length + 4L;
  }

  /** Reads the body of a metadata file after its header, in the format {@code version}. */
  @FunctionalInterface
  public interface Body<T> {
    T read(DataInputStream in, int version) throws IOException;
  }

  /**
   * Reads a whole metadata file: checks its checksum, its magic (int64) and its format version (int32,
   * from {@code oldest} to {@code newest}), then reads the rest with {@code body}.
   *
   * @param what what the file is, for messages ("checkpoint metadata", "lease", "hold")
   * @param kind the same with its article, for the bad-magic message ("an Aloft lease")
   * @throws CheckpointException naming the file if it is too short, too large, fails its checksum, is
   *     of another kind or version, or its body is malformed
   */
  public static <T> T read(
      StateFileSystem fs, Location location, String what, String kind, long magic, int oldest, int newest,
      Body<T> body) throws IOException {
    DataInputStream in = readChecked(fs, location, what, 12);
    try {
      if (in.readLong() != magic) {
        throw new CheckpointException(location + " is not " + kind + " (bad magic)");
      }
      int version = in.readInt();
      if (version < oldest || version > newest) {
        throw new CheckpointException(
            what + " " + location + " has format version " + version + "; this build reads "
                + (oldest == newest ? "" + newest : oldest + " to " + newest));
      }
      return body.read(in, version);
    } catch (IOException | RuntimeException e) {
      if (e instanceof CheckpointException c) {
        throw c;
      }
      throw new CheckpointException(what + " " + location + " is malformed: " + e, e);
    }
  }

  /**
   * Reads a length-prefixed (int32) byte array, refusing a length that is negative or larger than what
   * remains of the body, before allocating.
   */
  public static byte[] bytes(DataInputStream in, String field) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new java.io.EOFException(field + " length " + length + " exceeds the " + in.available() + " bytes left");
    }
    byte[] b = new byte[length];
    in.readFully(b);
    return b;
  }

  /**
   * Reads a count (int32) of items that take at least {@code minBytesEach} bytes each, refusing one that
   * is negative or could not fit in what remains of the body.
   */
  public static int count(DataInputStream in, String field, int minBytesEach) throws IOException {
    int n = in.readInt();
    if (n < 0 || (long) n * Math.max(1, minBytesEach) > in.available()) {
      throw new java.io.EOFException(field + " count " + n + " cannot fit in the " + in.available() + " bytes left");
    }
    return n;
  }

  /** Reads a whole file and checks its checksum; returns the body. */
  private static DataInputStream readChecked(StateFileSystem fs, Location location, String what, int minBytes)
      throws IOException {
    InputFile in = fs.newInputFile(location);
    long length = in.length();
    if (length < minBytes + 4L || length > MAX_BYTES) {
      throw new CheckpointException(what + " " + location + " is truncated or too large (" + length + " bytes)");
    }
    byte[] data = new byte[(int) length];
    try (FileInput input = in.newInput()) {
      input.readFully(0, data, 0, data.length);
    }
    CRC32C crc = new CRC32C();
    crc.update(data, 0, data.length - 4);
    if (ByteBuffer.wrap(data, data.length - 4, 4).getInt() != (int) crc.getValue()) {
      throw new CheckpointException(what + " " + location + " is corrupt: checksum mismatch");
    }
    return new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 4));
  }
}
