package io.aloft.engine.lsm.files;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import java.io.IOException;

/** A cacheable file to read; its inputs go to the local copy or the remote store read by read. */
final class CachingInputFile implements InputFile {
  private final CachingFileSystem fs;
  private final Location location;
  private final String key;
  private final long knownLength;

  /** {@code knownLength} is the caller's length of the file, or -1 when unknown. */
  CachingInputFile(CachingFileSystem fs, Location location, long knownLength) {
    this.fs = fs;
    this.location = location;
    this.key = location.toString();
    this.knownLength = knownLength;
  }

  @Override
  public Location location() {
    return location;
  }

  String key() {
    return key;
  }

  long knownLength() {
    return knownLength;
  }

  /** The remote file (no I/O). */
  InputFile remote() {
    return knownLength >= 0
        ? fs.remote().newInputFile(location, knownLength)
        : fs.remote().newInputFile(location);
  }

  @Override
  public long length() throws IOException {
    if (knownLength >= 0) {
      return knownLength;
    }
    long cached = fs.cache().cachedLength(key);
    return cached >= 0 ? cached : remote().length();
  }

  /**
   * Opens the file. A cached file opens without a remote request; an uncached one opens its remote
   * input at once, so a missing file is reported here as the remote store reports it.
   */
  @Override
  public FileInput newInput() throws IOException {
    long cached = fs.cache().cachedLength(key);
    boolean usable = cached >= 0 && (knownLength < 0 || cached == knownLength);
    return new CachingInput(fs, this, usable ? null : remote().newInput());
  }

  /** Asks the remote store: it, not the cache, says which files exist. */
  @Override
  public boolean exists() throws IOException {
    return remote().exists();
  }

  @Override
  public String toString() {
    return location.toString();
  }
}
