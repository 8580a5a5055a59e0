package io.aloft.engine.lsm;

import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.sst.BlockCache;
import io.aloft.engine.lsm.sst.SstReader;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open readers of live files, opened on first use (one tail read each) and kept until the file is
 * deleted, so each file's index and filter are fetched once.
 */
final class TableCache implements AutoCloseable {
  private final io.aloft.spi.fs.FileSystems fileSystems;
  private final Location dir;
  private final BlockCache blockCache;
  private final Map<Long, SstReader> readers = new ConcurrentHashMap<>();

  TableCache(io.aloft.spi.fs.FileSystems fileSystems, Location dir, BlockCache blockCache) {
    this.fileSystems = fileSystems;
    this.dir = dir;
    this.blockCache = blockCache;
  }

  /** A file's location: its name below the primary directory, or an absolute location (restored files). */
  Location location(FileMeta file) {
    return file.name().contains("://") ? Location.of(file.name()) : dir.resolve(file.name());
  }

  SstReader reader(FileMeta file) throws IOException {
    SstReader open = readers.get(file.fileNumber()); // the common case, without computeIfAbsent's locking
    if (open != null) {
      return open;
    }
    try {
      return readers.computeIfAbsent(
          file.fileNumber(),
          n -> {
            try {
              Location location = location(file);
              return SstReader.open(
                  fileSystems.forLocation(location).newInputFile(location, file.size()),
                  file.fileNumber(),
                  blockCache);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Closes the file's reader and drops its cached blocks; returns the reads the reader had issued. */
  long evict(FileMeta file) throws IOException {
    SstReader reader = readers.remove(file.fileNumber());
    blockCache.evictFile(file.fileNumber());
    if (reader == null) {
      return 0;
    }
    long requests = reader.readRequests();
    reader.close();
    return requests;
  }

  /** Remote reads issued by the open readers (tails and uncached blocks). */
  long readRequests() {
    return readers.values().stream().mapToLong(SstReader::readRequests).sum();
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (SstReader reader : readers.values()) {
      try {
        reader.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    readers.clear();
    if (first != null) {
      throw first;
    }
  }
}
