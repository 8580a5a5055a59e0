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
  /**
   * The open readers again, for gets: an open-addressing table of primitive file numbers, replaced as a
   * whole when a reader opens or closes (rarely). A get reads it without boxing or hashing objects: two
   * arrays, where the map's nodes and boxed keys cost a get on uncached data several cache misses.
   */
  private volatile Slots slots = Slots.EMPTY;

  private record Slots(long[] numbers, SstReader[] readers) {
    static final Slots EMPTY = new Slots(new long[1], new SstReader[1]);

    /** The reader of file {@code number}, or null: not open, or not published yet (ask the map). */
    SstReader get(long number) {
      int mask = readers.length - 1;
      int i = slot(number, mask);
      for (int probes = 0; probes < readers.length; probes++, i = (i + 1) & mask) {
        SstReader r = readers[i];
        if (r == null || numbers[i] == number) {
          return r;
        }
      }
      return null;
    }

    static int slot(long number, int mask) {
      return (int) (number * 0x9E3779B97F4A7C15L >>> 32) & mask;
    }

    /** A table of every reader in {@code live}, at most half full. */
    static Slots of(Map<Long, SstReader> live) {
      // A copy: readers open concurrently (a multi-get opens its files in parallel), and a table sized
      // for fewer entries than it then received would be full, and a probe in it endless.
      Map<Long, SstReader> all = new java.util.HashMap<>(live);
      int capacity = Integer.highestOneBit(Math.max(1, all.size()) * 4 - 1);
      long[] numbers = new long[capacity];
      SstReader[] readers = new SstReader[capacity];
      all.forEach((number, reader) -> {
        int i = slot(number, capacity - 1);
        while (readers[i] != null) {
          i = (i + 1) & (capacity - 1);
        }
        numbers[i] = number;
        readers[i] = reader;
      });
      return new Slots(numbers, readers);
    }
  }

  /** Rebuilds {@link #slots} from {@link #readers}; under the lock, so no rebuild is lost. */
  private synchronized void republish() {
    slots = Slots.of(readers);
  }

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
    SstReader open = slots.get(file.fileNumber());
    return open != null ? open : readers.get(file.fileNumber());
  }

  SstReader reader(FileMeta file) throws IOException {
    SstReader open = slots.get(file.fileNumber()); // the common case: no locking, no boxing
    if (open != null) {
      return open;
    }
    open = readers.get(file.fileNumber()); // opened, its slot not yet published
    if (open != null) {
      return open;
    }
    try {
      SstReader opened = readers.computeIfAbsent(
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
      republish();
      return opened;
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
    java.util.List<Map.Entry<Long, SstReader>> gone = new java.util.ArrayList<>();
    for (var it = readers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, SstReader> e = it.next();
      if (e.getValue().location().equals(location)) {
        it.remove();
        gone.add(e);
      }
    }
    if (gone.isEmpty()) {
      return 0;
    }
    republish(); // before closing: no get finds a closed reader in the slots
    for (Map.Entry<Long, SstReader> e : gone) {
      blockCache.evictFile(e.getKey());
      requests += e.getValue().readRequests();
      e.getValue().close();
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
    slots = Slots.EMPTY;
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
