package io.aloft.fs.hdfs;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.client.HdfsDataInputStream;

/**
 * An HDFS file to read. {@link #length()} asks the NameNode unless the length was given;
 * {@link #newInput()} opens the file, which fetches its block locations and length in one call.
 */
final class HdfsInputFile implements InputFile {

  static final long UNKNOWN_LENGTH = -1;

  private final HdfsFileSystem fs;
  private final Location location;

  // Any thread. Files never change once published, so a length learnt once stays true.
  private volatile long length;

  HdfsInputFile(HdfsFileSystem fs, Location location, long length) {
    this.fs = fs;
    this.location = location;
    this.length = length;
  }

  @Override
  public Location location() {
    return location;
  }

  @Override
  public long length() throws IOException {
    long known = length;
    if (known == UNKNOWN_LENGTH) {
      known = fileStatus().getLen();
      length = known;
    }
    return known;
  }

  @Override
  public FileInput newInput() throws IOException {
    DistributedFileSystem hadoop = fs.hadoop(location);
    FSDataInputStream in;
    try {
      in = hadoop.open(HdfsFileSystem.path(location));
    } catch (IOException e) {
      throw HdfsFileSystem.translate(e, "OPEN", location, hadoop);
    }
    try {
      long known = length;
      if (known == UNKNOWN_LENGTH) {
        // What the NameNode told the open; for a closed file, its length.
        known =
            in instanceof HdfsDataInputStream hdfs ? hdfs.getVisibleLength() : fileStatus().getLen();
        length = known;
      }
      return new HdfsFileInput(location, hadoop, in, known);
    } catch (IOException | RuntimeException e) {
      try {
        in.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  @Override
  public boolean exists() throws IOException {
    try {
      length = fileStatus().getLen();
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** The status of the file; a missing file or a directory is {@link NoSuchFileException}. */
  FileStatus fileStatus() throws IOException {
    DistributedFileSystem hadoop = fs.hadoop(location);
    FileStatus status;
    try {
      status = hadoop.getFileStatus(HdfsFileSystem.path(location));
    } catch (IOException e) {
      throw HdfsFileSystem.translate(e, "STAT", location, hadoop);
    }
    if (!status.isFile()) {
      throw new NoSuchFileException(location.toString(), null, "a directory, not a file");
    }
    return status;
  }

  @Override
  public String toString() {
    return location.toString();
  }
}
