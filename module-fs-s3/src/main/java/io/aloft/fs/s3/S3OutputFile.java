package io.aloft.fs.s3;

import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.OutputFile;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/** An S3 object to write; nothing is sent until the writer fills a part or closes. */
final class S3OutputFile implements OutputFile {

  private final S3FileSystem fs;
  private final Location location;

  S3OutputFile(S3FileSystem fs, Location location) {
    this.fs = fs;
    this.location = location;
  }

  @Override
  public Location location() {
    return location;
  }

  @Override
  public FileOutput create() {
    return new S3FileOutput(fs, location, false);
  }

  /**
   * A HEAD first lets a doomed writer fail before it writes; what decides is the {@code If-None-Match: *}
   * of the final PUT or CompleteMultipartUpload.
   */
  @Override
  public FileOutput createExclusive() throws IOException {
    try {
      fs.head(location);
    } catch (NoSuchFileException absent) {
      return new S3FileOutput(fs, location, true);
    }
    throw new FileAlreadyExistsException(location.toString(), null, "it exists");
  }

  @Override
  public String toString() {
    return location.toString();
  }
}
