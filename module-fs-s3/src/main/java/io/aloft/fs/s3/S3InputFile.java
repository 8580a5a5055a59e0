package io.aloft.fs.s3;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobInputFile;
import java.io.IOException;

/**
 * An S3 object to read. Its length is a HEAD unless it was given; {@link #newInput()} sends nothing, so
 * a missing object shows at the first read.
 */
final class S3InputFile extends BlobInputFile {

  private final S3FileSystem fs;

  S3InputFile(S3FileSystem fs, Location location, long length) {
    super(location, length);
    this.fs = fs;
  }

  @Override
  protected long fetchLength() throws IOException {
    return fs.head(location()).contentLength();
  }

  @Override
  public FileInput newInput() {
    return new S3FileInput(fs, location(), knownLength());
  }
}
