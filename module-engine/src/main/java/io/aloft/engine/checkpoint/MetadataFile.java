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
 * The framing shared by the small metadata files of the checkpoint root (checkpoint parts, leases, holds):
 * the body, then the CRC32C of the body as a big-endian int32. Such a file is read and written whole.
 */
final class MetadataFile {
  private MetadataFile() {}

  /** Bodies above this are not metadata: a damaged or foreign file, refused before allocating. */
  private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  /**
   * Writes {@code body} and its checksum to {@code location}: exclusively (an existing file is then a
   * {@link java.nio.file.FileAlreadyExistsException}) or replacing what is there.
   *
   * @return the bytes written
   */
  static long write(StateFileSystem fs, Location location, byte[] body, boolean exclusive) throws IOException {
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

  /**
   * Reads a whole file and checks its checksum.
   *
   * @param what what the file is, for messages ("checkpoint metadata", "lease")
   * @return the body
   * @throws CheckpointException naming the file if it is too short, too large or fails its checksum
   */
  static DataInputStream read(StateFileSystem fs, Location location, String what, int minBytes)
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

  /**
   * Reads and checks the header of a metadata file of one format version: its magic and its version.
   *
   * @param what what the file is, for messages ("lease", "hold")
   * @throws CheckpointException naming the file if it is of another kind or version
   */
  static void readHeader(DataInputStream in, Location location, String what, long magic, int version)
      throws IOException {
    if (in.readLong() != magic) {
      throw new CheckpointException(location + " is not an Aloft " + what + " (bad magic)");
    }
    int found = in.readInt();
    if (found != version) {
      throw new CheckpointException(
          what + " " + location + " has format version " + found + "; this build reads " + version);
    }
  }
}
