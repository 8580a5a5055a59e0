package io.aloft.fs.azure;

import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobOutputFile;
import java.io.IOException;

/**
 * A blob to write; nothing is sent until the writer fills a block or closes. An exclusive create sends
 * a HEAD first; what decides is the {@code If-None-Match: *} of the final Put Blob or Put Block List.
 */
final class AzureOutputFile extends BlobOutputFile {

  private final AzureBlobFileSystem fs;

  AzureOutputFile(AzureBlobFileSystem fs, Location location) {
    super(location);
    this.fs = fs;
  }

  @Override
  protected void fetchMetadata() throws IOException {
    fs.properties(location());
  }

  @Override
  protected FileOutput newOutput(boolean exclusive) {
    return new AzureFileOutput(fs, location(), exclusive);
  }
}
