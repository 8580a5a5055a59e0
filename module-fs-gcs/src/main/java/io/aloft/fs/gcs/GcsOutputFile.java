package io.aloft.fs.gcs;

import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.OutputFile;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/** A Cloud Storage object to write; nothing is sent until the writer fills a chunk or closes. */
final class GcsOutputFile implements OutputFile {

  private final GcsFileSystem fs;
  private final Location location;

  GcsOutputFile(GcsFileSystem fs, Location location) {
    this.fs = fs;
    this.location = location;
  }

  @Override
  public Location location() {
    return location;
  }

  @Override
  public FileOutput create() {
    return new GcsFileOutput(fs, location, false);
  }

  /**
   * A metadata read first lets a doomed writer fail before it writes; what decides is the
   * {@code ifGenerationMatch=0} of the upload.
   */
  @Override
  public FileOutput createExclusive() throws IOException {
    try {
      fs.metadata(location);
    } catch (NoSuchFileException absent) {
      return new GcsFileOutput(fs, location, true);
    }
    throw new FileAlreadyExistsException(location.toString(), null, "it exists");
  }

  @Override
  public String toString() {
    return location.toString();
  }
}
