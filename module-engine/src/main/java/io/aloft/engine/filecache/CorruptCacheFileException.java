package io.aloft.engine.filecache;

import java.io.IOException;
import java.nio.file.Path;

/** A local copy is truncated or damaged; the cache drops it and reads the remote file instead. */
final class CorruptCacheFileException extends IOException {
  private static final long serialVersionUID = 1L;

  CorruptCacheFileException(Path file, String what) {
    super("damaged cache file " + file + ": " + what);
  }
}
