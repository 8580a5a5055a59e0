package io.aloft.engine.filecache;

import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import java.io.IOException;

/**
 * What a cached file ({@link CachingInputFile}, {@link CachingInput}) sees of the cache: the narrow
 * interface through which a wrapper of a remote file asks for local copies, the way Trino's
 * {@code CacheInputFile} wraps a delegate through {@code TrinoFileSystemCache}. The wrapper never
 * calls back into the file system that made it. Files are named by key ({@code location.toString()}).
 */
interface LocalCopies {

  /** The length of {@code key}'s local copy, or -1 when there is none. */
  long cachedLength(String key);

  /**
   * Serves a positional read from {@code key}'s local copy, checking its CRCs: true if served; false
   * when there is no sound copy of {@code expectedLength} bytes (negative: any), and the caller reads
   * the remote file. A damaged copy is dropped, never served.
   *
   * @throws java.io.EOFException if the read runs past the end of the copy
   */
  boolean read(String key, long expectedLength, Location location, long position, byte[] buffer, int offset, int length)
      throws IOException;

  /** Serves a tail read from the local copy: the bytes read, or -1 when the caller reads the remote file. */
  int readTail(String key, long expectedLength, byte[] buffer, int offset, int length);

  /**
   * A read the local copies could not serve went to {@code remote} ({@code bytes} bytes): counted, and
   * enough of them load the file back into the cache.
   */
  void missed(InputFile remote, long knownLength, long bytes);

  /** An input of {@code key} opened: the copy's channel stays open while one is. */
  void inputOpened(String key);

  void inputClosed(String key);
}
