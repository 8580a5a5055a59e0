package io.aloft.spi.fs.blob;

import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Objects;

/**
 * A file on a blob store, to read. Creating one sends nothing. {@link #length()} sends the provider's
 * metadata request ({@link #fetchLength()}) unless the length was given or already learnt; files never
 * change once written, so a length learnt once stays true. {@link #exists()} is the same request and
 * keeps the length it learns. A missing file is {@link NoSuchFileException} from {@code length()}, and
 * {@code false} from {@code exists()}; whether {@link #newInput()} notices it depends on the provider
 * (blob stores usually report it at the first read).
 *
 * <p>Thread-safe: any thread may ask for the length; two that ask at once may both send the request.
 */
public abstract class BlobInputFile implements InputFile {

  /** The length of a file that was not given one and has not learnt it yet. */
  public static final long UNKNOWN_LENGTH = -1;

  private final Location location;

  // Any thread.
  private volatile long length;

  /**
   * @param length the file's length in bytes, or {@link #UNKNOWN_LENGTH}
   * @throws IllegalArgumentException if {@code length} is negative but not {@link #UNKNOWN_LENGTH}
   */
  protected BlobInputFile(Location location, long length) {
    this.location = Objects.requireNonNull(location, "location");
    if (length < 0 && length != UNKNOWN_LENGTH) {
      throw new IllegalArgumentException("negative length " + length + " for " + location);
    }
    this.length = length;
  }

  /**
   * The provider's metadata request (a HEAD, a metadata GET): the file's length.
   *
   * @throws NoSuchFileException if the file does not exist, naming the location
   */
  protected abstract long fetchLength() throws IOException;

  /** The length given or learnt so far, or {@link #UNKNOWN_LENGTH}: what a new reader starts from. */
  protected final long knownLength() {
    return length;
  }

  @Override
  public final Location location() {
    return location;
  }

  @Override
  public final long length() throws IOException {
    long known = length;
    if (known == UNKNOWN_LENGTH) {
      known = fetchLength();
      length = known;
    }
    return known;
  }

  @Override
  public final boolean exists() throws IOException {
    try {
      length = fetchLength();
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return location.toString();
  }
}
