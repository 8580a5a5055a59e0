package io.aloft.engine.filecache;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import java.io.IOException;

/**
 * A cacheable file to read: wraps the remote file ({@code remote}, no I/O until used) and asks the
 * {@link LocalCopies} for a local copy; its inputs go to the local copy or the remote file read by read.
 */
final class CachingInputFile implements InputFile {
  private final InputFile remote;
  private final LocalCopies copies;
  private final String key;
  private final long knownLength;

  /** {@code knownLength} is the caller's length of the file, or -1 when unknown. */
  CachingInputFile(InputFile remote, LocalCopies copies, long knownLength) {
    this.remote = remote;
    this.copies = copies;
    this.key = remote.location().toString();
    this.knownLength = knownLength;
  }

  @Override
  public Location location() {
    return remote.location();
  }

  @Override
  public long length() throws IOException {
    if (knownLength >= 0) {
      return knownLength;
    }
    long cached = copies.cachedLength(key);
    return cached >= 0 ? cached : remote.length();
  }

  /**
   * Opens the file. A cached file opens without a remote request; an uncached one opens its remote
   * input at once, so a missing file is reported here as the remote store reports it.
   */
  @Override
  public FileInput newInput() throws IOException {
    long cached = copies.cachedLength(key);
    boolean usable = cached >= 0 && (knownLength < 0 || cached == knownLength);
    return new CachingInput(remote, copies, knownLength, usable ? null : remote.newInput());
  }

  /** Asks the remote store: it, not the cache, says which files exist. */
  @Override
  public boolean exists() throws IOException {
    return remote.exists();
  }

  @Override
  public String toString() {
    return key;
  }
}
