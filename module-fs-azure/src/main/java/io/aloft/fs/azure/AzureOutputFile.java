package io.aloft.fs.azure;

import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.OutputFile;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/** A blob to write; nothing is sent until the writer fills a block or closes. */
final class AzureOutputFile implements OutputFile {

  private final AzureBlobFileSystem fs;
  private final Location location;

  AzureOutputFile(AzureBlobFileSystem fs, Location location) {
    this.fs = fs;
    this.location = location;
  }

  @Override
  public Location location() {
    return location;
  }

  @Override
  public FileOutput create() {
    return new AzureFileOutput(fs, location, false);
  }

  /**
   * A HEAD first lets a doomed writer fail before it writes; what decides is the {@code If-None-Match: *}
   * of the final Put Blob or Put Block List.
   */
  @Override
  public FileOutput createExclusive() throws IOException {
    try {
      fs.properties(location);
    } catch (NoSuchFileException absent) {
      return new AzureFileOutput(fs, location, true);
    }
    throw new FileAlreadyExistsException(location.toString(), null, "it exists");
  }

  @Override
  public String toString() {
    return location.toString();
  }
}
