package io.aloft.engine.fs;

import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.FileSystems;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.OutputFile;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link StateFileSystem} that counts the requests and bytes it passes to another, by operation
 * ({@code read}, {@code write}, {@code delete}, {@code list}, {@code copy}; bytes {@code read} and
 * {@code written}): the {@code forst.remote.*} metrics of a tree's primary store. A file cache sits
 * above it, so reads the cache serves are not counted. Every call goes straight through.
 */
public final class CountingFileSystem implements StateFileSystem {
  private final StateFileSystem store;
  private final LongAdder reads = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder deletes = new LongAdder();
  private final LongAdder lists = new LongAdder();
  private final LongAdder copies = new LongAdder();
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();

  public CountingFileSystem(StateFileSystem store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** {@code all}, except that locations of {@code scheme} go to this file system. */
  public FileSystems routing(String scheme, FileSystems all) {
    return location -> location.scheme().equals(scheme) ? this : all.forLocation(location);
  }

  /** The counts so far, by operation: {@code requests.<operation>} and {@code bytes.read|written}. */
  public Map<String, Long> counts() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("requests.read", reads.sum());
    m.put("requests.write", writes.sum());
    m.put("requests.delete", deletes.sum());
    m.put("requests.list", lists.sum());
    m.put("requests.copy", copies.sum());
    m.put("bytes.read", bytesRead.sum());
    m.put("bytes.written", bytesWritten.sum());
    return m;
  }

  @Override
  public InputFile newInputFile(Location location) {
    return new CountingInputFile(store.newInputFile(location));
  }

  @Override
  public InputFile newInputFile(Location location, long length) {
    return new CountingInputFile(store.newInputFile(location, length));
  }

  @Override
  public OutputFile newOutputFile(Location location) {
    OutputFile file = store.newOutputFile(location);
    return new OutputFile() {
      @Override
      public Location location() {
        return file.location();
      }

      @Override
      public FileOutput create() throws IOException {
        return counted(file.create());
      }

      @Override
      public FileOutput createExclusive() throws IOException {
        return counted(file.createExclusive());
      }
    };
  }

  private FileOutput counted(FileOutput out) {
    writes.increment();
    return new FileOutput() {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        bytesWritten.increment();
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        bytesWritten.add(len);
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }

      @Override
      public void abort() throws IOException {
        out.abort();
      }
    };
  }

  @Override
  public List<FileEntry> list(Location directory) throws IOException {
    lists.increment();
    return store.list(directory);
  }

  @Override
  public boolean exists(Location location) throws IOException {
    return store.exists(location);
  }

  @Override
  public java.util.Optional<java.time.Instant> lastModified(Location location) throws IOException {
    return store.lastModified(location);
  }

  @Override
  public void delete(Location location) throws IOException {
    deletes.increment();
    store.delete(location);
  }

  @Override
  public void deleteFiles(Collection<Location> locations) throws IOException {
    deletes.add(locations.size());
    store.deleteFiles(locations);
  }

  @Override
  public void deleteRecursively(Location directory) throws IOException {
    deletes.increment();
    store.deleteRecursively(directory);
  }

  @Override
  public Map<String, Long> requestCounts() {
    return store.requestCounts();
  }

  @Override
  public boolean supportsFastCopy() {
    return store.supportsFastCopy();
  }

  @Override
  public void copy(Location source, Location target) throws IOException {
    if (store.supportsFastCopy()) {
      copies.increment();
      store.copy(source, target);
    } else {
      StateFileSystem.copy(this, source, this, target); // counted as the reads and the write it is
    }
  }

  /** Leaves the store open: it is shared, and its owner closes it. */
  @Override
  public void close() {}

  private final class CountingInputFile implements InputFile {
    private final InputFile file;

    CountingInputFile(InputFile file) {
      this.file = file;
    }

    @Override
    public Location location() {
      return file.location();
    }

    @Override
    public long length() throws IOException {
      return file.length();
    }

    @Override
    public boolean exists() throws IOException {
      return file.exists();
    }

    @Override
    public FileInput newInput() throws IOException {
      FileInput in = file.newInput();
      return new FileInput() {
        @Override
        public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
          reads.increment();
          in.readFully(position, buffer, offset, length);
          bytesRead.add(length);
        }

        @Override
        public int readTail(byte[] buffer, int offset, int length) throws IOException {
          reads.increment();
          int n = in.readTail(buffer, offset, length);
          bytesRead.add(n);
          return n;
        }

        @Override
        public void close() throws IOException {
          in.close();
        }
      };
    }
  }
}
