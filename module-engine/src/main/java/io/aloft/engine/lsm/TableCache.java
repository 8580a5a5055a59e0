package io.aloft.engine.lsm;

import io.aloft.engine.lsm.key.Entry;

import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.blockcache.BlockCache;
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

  /** The file's reader if it is open already, else null (no I/O). */
  SstReader openReader(FileMeta file) {
    return readers.get(file.fileNumber());
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

  /**
   * Closes the readers of the file at {@code location} (a restore may list one file under several
   * numbers, each with the key groups its part may read) and drops their cached blocks; returns the
   * reads they had issued.
   */
  long evict(Location location) throws IOException {
    long requests = 0;
    for (var it = readers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, SstReader> e = it.next();
      if (e.getValue().location().equals(location)) {
        it.remove();
        blockCache.evictFile(e.getKey());
        requests += e.getValue().readRequests();
        e.getValue().close();
      }
    }
    return requests;
  }

  /** The store of the primary directory. */
  io.aloft.spi.fs.StateFileSystem fileSystem() throws IOException {
    return fileSystems.forLocation(dir);
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
