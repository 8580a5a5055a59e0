package io.aloft.fs.s3;

import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobOutputFile;
import java.io.IOException;

/**
 * An S3 object to write; nothing is sent until the writer fills a part or closes. An exclusive create
 * sends a HEAD first; what decides is the {@code If-None-Match: *} of the final PUT or
 * CompleteMultipartUpload.
 */
final class S3OutputFile extends BlobOutputFile {

  private final S3FileSystem fs;

  S3OutputFile(S3FileSystem fs, Location location) {
    super(location);
    this.fs = fs;
  }

  @Override
  protected void fetchMetadata() throws IOException {
    fs.head(location());
  }

  @Override
  protected FileOutput newOutput(boolean exclusive) {
    return new S3FileOutput(fs, location(), exclusive);
  }
}
