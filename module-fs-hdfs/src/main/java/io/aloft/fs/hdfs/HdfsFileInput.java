package io.aloft.fs.hdfs;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.Location;
import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;

/**
 * Positional reads of one HDFS file on one open stream. {@code PositionedReadable} reads keep no file
 * pointer and are safe from many threads at once; each picks a DataNode, and Hadoop's client moves to
 * another replica, or re-fetches the block locations, when one fails.
 */
final class HdfsFileInput implements FileInput {

  private final Location location;
  private final FileSystem fs;
  private final FSDataInputStream in;
  private final long length;

  HdfsFileInput(Location location, FileSystem fs, FSDataInputStream in, long length) {
    this.location = location;
    this.fs = fs;
    this.in = in;
    this.length = length;
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (position < 0) {
      throw new IllegalArgumentException(location + ": negative read position " + position);
    }
    if (position + length > this.length) {
      throw pastEnd(position, length, null);
    }
    if (length == 0) {
      return;
    }
    try {
      in.readFully(position, buffer, offset, length);
    } catch (EOFException e) {
      throw pastEnd(position, length, e);
    } catch (IOException e) {
      throw HdfsFileSystem.translate(
          e, "READ " + length + " bytes at position " + position + " of", location, fs);
    }
  }

  @Override
  public int readTail(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    int n = (int) Math.min(length, this.length);
    readFully(this.length - n, buffer, offset, n);
    return n;
  }

  private EOFException pastEnd(long position, int length, Exception cause) {
    EOFException e =
        new EOFException(
            location + ": cannot read " + length + " bytes at position " + position + ", the file has "
                + this.length + " bytes");
    e.initCause(cause);
    return e;
  }

  @Override
  public void close() throws IOException {
    try {
      in.close();
    } catch (IOException e) {
      throw HdfsFileSystem.translate(e, "CLOSE", location, fs);
    }
  }
}
