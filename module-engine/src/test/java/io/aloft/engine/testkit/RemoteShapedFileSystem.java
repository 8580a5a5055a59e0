package io.aloft.engine.testkit;

import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.OutputFile;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a {@link StateFileSystem} to make it look remote: every read request (a positional read or a
 * tail read) waits a fixed latency and is counted, as is every file written. Tests use it to show how
 * many remote requests an operation costs.
 */
public final class RemoteShapedFileSystem implements StateFileSystem {
  private final StateFileSystem delegate;
  private final long latencyNanos;
  private final AtomicLong readRequests = new AtomicLong();
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicLong filesWritten = new AtomicLong();
  private final AtomicLong metadataRequests = new AtomicLong();

  public RemoteShapedFileSystem(StateFileSystem delegate, Duration readLatency) {
    this.delegate = delegate;
    this.latencyNanos = readLatency.toNanos();
  }

  /** Positional and tail reads so far. */
  public long readRequests() {
    return readRequests.get();
  }

  public long bytesRead() {
    return bytesRead.get();
  }

  public long filesWritten() {
    return filesWritten.get();
  }

  /** Length, exists and list requests so far. */
  public long metadataRequests() {
    return metadataRequests.get();
  }

  private void remoteRead(int bytes) throws IOException {
    readRequests.incrementAndGet();
    bytesRead.addAndGet(bytes);
    if (latencyNanos > 0) {
      try {
        Thread.sleep(latencyNanos / 1_000_000, (int) (latencyNanos % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted during simulated remote latency");
      }
    }
  }

  @Override
  public InputFile newInputFile(Location location) {
    return wrap(delegate.newInputFile(location));
  }

  @Override
  public InputFile newInputFile(Location location, long length) {
    return wrap(delegate.newInputFile(location, length));
  }

  private InputFile wrap(InputFile file) {
    return new InputFile() {
      @Override
      public Location location() {
        return file.location();
      }

      @Override
      public long length() throws IOException {
        metadataRequests.incrementAndGet();
        return file.length();
      }

      @Override
      public FileInput newInput() throws IOException {
        FileInput input = file.newInput();
        return new FileInput() {
          @Override
          public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
            remoteRead(length);
            input.readFully(position, buffer, offset, length);
          }

          @Override
          public int readTail(byte[] buffer, int offset, int length) throws IOException {
            remoteRead(length);
            return input.readTail(buffer, offset, length);
          }

          @Override
          public void close() throws IOException {
            input.close();
          }
        };
      }

      @Override
      public boolean exists() throws IOException {
        metadataRequests.incrementAndGet();
        return file.exists();
      }
    };
  }

  @Override
  public OutputFile newOutputFile(Location location) {
    OutputFile out = delegate.newOutputFile(location);
    return new OutputFile() {
      @Override
      public Location location() {
        return out.location();
      }

      @Override
      public FileOutput create() throws IOException {
        filesWritten.incrementAndGet();
        return out.create();
      }

      @Override
      public FileOutput createExclusive() throws IOException {
        filesWritten.incrementAndGet();
        return out.createExclusive();
      }
    };
  }

  @Override
  public List<FileEntry> list(Location directory) throws IOException {
    metadataRequests.incrementAndGet();
    return delegate.list(directory);
  }

  @Override
  public java.util.Optional<java.time.Instant> lastModified(Location location) throws IOException {
    metadataRequests.incrementAndGet();
    return delegate.lastModified(location);
  }

  @Override
  public void delete(Location location) throws IOException {
    delegate.delete(location);
  }

  @Override
  public void deleteFiles(Collection<Location> locations) throws IOException {
    delegate.deleteFiles(locations);
  }

  @Override
  public void deleteRecursively(Location directory) throws IOException {
    delegate.deleteRecursively(directory);
  }

  @Override
  public boolean supportsFastCopy() {
    return delegate.supportsFastCopy();
  }

  @Override
  public void copy(Location source, Location target) throws IOException {
    delegate.copy(source, target);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
