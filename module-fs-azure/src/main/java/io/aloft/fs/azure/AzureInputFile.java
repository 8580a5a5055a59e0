package io.aloft.fs.azure;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobInputFile;
import java.io.IOException;

/**
 * A blob to read. Its length is a HEAD unless it was given; {@link #newInput()} sends nothing, so a
 * missing blob shows at the first read.
 */
final class AzureInputFile extends BlobInputFile {

  private final AzureBlobFileSystem fs;

  AzureInputFile(AzureBlobFileSystem fs, Location location, long length) {
    super(location, length);
    this.fs = fs;
  }

  @Override
  protected long fetchLength() throws IOException {
    return fs.properties(location()).getBlobSize();
  }

  @Override
  public FileInput newInput() {
    return new AzureFileInput(fs, location(), knownLength());
  }
}
