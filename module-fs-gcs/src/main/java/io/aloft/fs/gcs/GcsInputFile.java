package io.aloft.fs.gcs;

import com.google.api.services.storage.model.StorageObject;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * A Cloud Storage object to read. {@link #length()} reads the object's metadata unless the length was
 * given; {@link #newInput()} sends nothing, so a missing object shows at the first read.
 */
final class GcsInputFile implements InputFile {

  static final long UNKNOWN_LENGTH = -1;

  private final GcsFileSystem fs;
  private final Location location;

  // Any thread. Both learnt together from the object's metadata; a generation of 0 is unknown.
  private volatile long length;
  private volatile long generation;

  GcsInputFile(GcsFileSystem fs, Location location, long length) {
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
      known = learn(fs.metadata(location));
    }
    return known;
  }

  /** Readers opened after the length was learnt read that same generation of the object. */
  @Override
  public FileInput newInput() {
    return new GcsFileInput(fs, location, length, generation);
  }

  @Override
  public boolean exists() throws IOException {
    try {
      learn(fs.metadata(location));
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private long learn(StorageObject object) {
    long size = object.getSize().longValueExact();
    generation = object.getGeneration() == null ? 0 : object.getGeneration();
    length = size;
    return size;
  }

  @Override
  public String toString() {
    return location.toString();
  }
}
