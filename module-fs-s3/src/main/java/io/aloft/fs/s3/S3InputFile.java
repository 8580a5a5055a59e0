package io.aloft.fs.s3;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * An S3 object to read. {@link #length()} is a HEAD unless the length was given; {@link #newInput()}
 * sends nothing, so a missing object shows at the first read.
 */
final class S3InputFile implements InputFile {

  static final long UNKNOWN_LENGTH = -1;

  private final S3FileSystem fs;
  private final Location location;

  // Any thread. Objects never change once written, so a length learnt once stays true.
  private volatile long length;

  S3InputFile(S3FileSystem fs, Location location, long length) {
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
      known = fs.head(location).contentLength();
      length = known;
    }
    return known;
  }

  @Override
  public FileInput newInput() {
    return new S3FileInput(fs, location, length);
  }

  @Override
  public boolean exists() throws IOException {
    try {
      length = fs.head(location).contentLength();
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return location.toString();
  }
}
