package io.aloft.fs.gcs;

import com.google.api.services.storage.model.StorageObject;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobInputFile;
import java.io.IOException;

/**
 * A Cloud Storage object to read. Its length is read from the object's metadata unless it was given;
 * {@link #newInput()} sends nothing, so a missing object shows at the first read.
 */
final class GcsInputFile extends BlobInputFile {

  private final GcsFileSystem fs;

  // Any thread. Learnt with the length from the object's metadata; 0 is unknown.
  private volatile long generation;

  GcsInputFile(GcsFileSystem fs, Location location, long length) {
    super(location, length);
    this.fs = fs;
  }

  @Override
  protected long fetchLength() throws IOException {
    StorageObject object = fs.metadata(location());
    generation = object.getGeneration() == null ? 0 : object.getGeneration();
    return object.getSize().longValueExact();
  }

  /** Readers opened after the length was learnt read that same generation of the object. */
  @Override
  public FileInput newInput() {
    long length = knownLength();
    return new GcsFileInput(fs, location(), length, generation);
  }
}
