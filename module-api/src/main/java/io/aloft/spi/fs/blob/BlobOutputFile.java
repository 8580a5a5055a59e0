package io.aloft.spi.fs.blob;

import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.OutputFile;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Objects;

/**
 * A file on a blob store, to write. {@link #create()} sends nothing. {@link #createExclusive()} sends
 * the provider's metadata request first, so that a writer whose file exists learns it before it writes;
 * what decides is the store's conditional write at {@link FileOutput#close()} ({@code If-None-Match: *},
 * {@code ifGenerationMatch=0}), which the provider's {@link FileOutput} sends when told
 * {@code exclusive}.
 *
 * <p>Thread-safe; each stream it opens belongs to one writing thread.
 */
public abstract class BlobOutputFile implements OutputFile {

  private final Location location;

  protected BlobOutputFile(Location location) {
    this.location = Objects.requireNonNull(location, "location");
  }

  /**
   * The provider's metadata request for this file; its answer is not needed, only whether it came.
   *
   * @throws NoSuchFileException if the file does not exist
   */
  protected abstract void fetchMetadata() throws IOException;

  /** A stream that writes the file; with {@code exclusive}, its final request is conditional. */
  protected abstract FileOutput newOutput(boolean exclusive) throws IOException;

  @Override
  public final Location location() {
    return location;
  }

  @Override
  public final FileOutput create() throws IOException {
    return newOutput(false);
  }

  @Override
  public final FileOutput createExclusive() throws IOException {
    try {
      fetchMetadata();
    } catch (NoSuchFileException absent) {
      return newOutput(true);
    }
    throw new FileAlreadyExistsException(location.toString(), null, "it exists");
  }

  @Override
  public String toString() {
    return location.toString();
  }
}
