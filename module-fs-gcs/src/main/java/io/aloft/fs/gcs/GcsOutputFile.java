package io.aloft.fs.gcs;

import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobOutputFile;
import java.io.IOException;

/**
 * A Cloud Storage object to write; nothing is sent until the writer fills a chunk or closes. An
 * exclusive create reads the metadata first; what decides is the {@code ifGenerationMatch=0} of the
 * upload.
 */
final class GcsOutputFile extends BlobOutputFile {

  private final GcsFileSystem fs;

  GcsOutputFile(GcsFileSystem fs, Location location) {
    super(location);
    this.fs = fs;
  }

  @Override
  protected void fetchMetadata() throws IOException {
    fs.metadata(location());
  }

  @Override
  protected FileOutput newOutput(boolean exclusive) {
    return new GcsFileOutput(fs, location(), exclusive);
  }
}
