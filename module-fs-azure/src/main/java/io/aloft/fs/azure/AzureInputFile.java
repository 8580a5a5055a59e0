package io.aloft.fs.azure;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * A blob to read. {@link #length()} is a HEAD unless the length was given; {@link #newInput()} sends
 * nothing, so a missing blob shows at the first read.
 */
final class AzureInputFile implements InputFile {

  static final long UNKNOWN_LENGTH = -1;

  private final AzureBlobFileSystem fs;
  private final Location location;

  // Any thread. Blobs never change once written, so a length learnt once stays true.
  private volatile long length;

  AzureInputFile(AzureBlobFileSystem fs, Location location, long length) {
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
      known = fs.properties(location).getBlobSize();
      length = known;
    }
    return known;
  }

  @Override
  public FileInput newInput() {
    return new AzureFileInput(fs, location, length);
  }

  @Override
  public boolean exists() throws IOException {
    try {
      length = fs.properties(location).getBlobSize();
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
