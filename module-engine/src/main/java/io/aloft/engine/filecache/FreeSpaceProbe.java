package io.aloft.engine.filecache;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reports the free space on the disk that holds the cache, for
 * {@code state.backend.forst.cache.reserve-size}. Tests supply their own to simulate a full disk.
 */
@FunctionalInterface
public interface FreeSpaceProbe {

  /** Bytes this process may still write to the cache's disk. */
  long usableBytes() throws IOException;

  /** The usable space of the file store holding {@code dir}, which must exist. */
  static FreeSpaceProbe of(Path dir) throws IOException {
    FileStore store = Files.getFileStore(dir); // resolved once: finding the mount is the costly part
    return store::getUsableSpace;
  }
}
