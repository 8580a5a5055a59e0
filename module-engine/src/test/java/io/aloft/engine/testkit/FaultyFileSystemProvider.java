package io.aloft.engine.testkit;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.OutputFile;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code faulty://} (tests only): the local disk ({@code faulty:///tmp/x} is {@code /tmp/x}), except that
 * when armed the k-th request — read, write, list, delete or copy — fails with an IOException, as a
 * crashing machine or a failing store would. Static, so a test reaches the file system the engine
 * created.
 */
public final class FaultyFileSystemProvider implements FileSystemProvider {
  private static final AtomicLong REQUESTS = new AtomicLong();
  private static volatile long failAt = Long.MAX_VALUE;

  /** Fails the {@code k}-th request from now on (1-based). */
  public static void failRequest(long k) {
    REQUESTS.set(0);
    failAt = k;
  }

  public static void disarm() {
    failAt = Long.MAX_VALUE;
    failingDeletes = location -> false;
    hook.set(null);
  }

  private record Hook(java.util.function.Predicate<Location> matches, Runnable action) {}

  private static final java.util.concurrent.atomic.AtomicReference<Hook> hook =
      new java.util.concurrent.atomic.AtomicReference<>();

  /**
   * Runs {@code action} once, just before the first request for a location that {@code matches}: a
   * way to interleave two instances at an exact point of a protocol.
   */
  public static void beforeRequest(java.util.function.Predicate<Location> matches, Runnable action) {
    hook.set(new Hook(matches, action));
  }

  private static volatile java.util.function.Predicate<Location> failingDeletes = location -> false;

  /** Makes every delete of a location that {@code matches} fail, until {@link #disarm}. */
  public static void failDeletesOf(java.util.function.Predicate<Location> matches) {
    failingDeletes = matches;
  }

  private static void deleteRequest(Location location) throws IOException {
    request(location);
    if (failingDeletes.test(location)) {
      throw new IOException("injected failure to delete " + location);
    }
  }

  /** Requests counted since the last {@link #failRequest}. */
  public static long requests() {
    return REQUESTS.get();
  }

  static void request(Location location) throws IOException {
    Hook h = hook.get();
    if (h != null && h.matches().test(location) && hook.compareAndSet(h, null)) {
      h.action().run();
    }
    if (REQUESTS.incrementAndGet() == failAt) {
      throw new IOException("injected failure of request " + failAt + " (" + location + ")");
    }
  }

  @Override
  public Set<String> schemes() {
    return Set.of("faulty");
  }

  @Override
  public StateFileSystem create(String scheme, Config config) throws IOException {
    StateFileSystem local = new LocalFileSystemProvider().create("file", config);
    return new StateFileSystem() {
      Location local(Location l) {
        return new Location("file", "", l.path());
      }

      Location faulty(Location l) {
        return new Location("faulty", "", l.path());
      }

      @Override
      public InputFile newInputFile(Location location) {
        InputFile file = local.newInputFile(local(location));
        return new InputFile() {
          @Override
          public Location location() {
            return location;
          }

          @Override
          public long length() throws IOException {
            request(location);
            return file.length();
          }

          @Override
          public FileInput newInput() throws IOException {
            FileInput in = file.newInput();
            return new FileInput() {
              @Override
              public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
                request(location);
                in.readFully(position, buffer, offset, length);
              }

              @Override
              public int readTail(byte[] buffer, int offset, int length) throws IOException {
                request(location);
                return in.readTail(buffer, offset, length);
              }

              @Override
              public void close() throws IOException {
                in.close();
              }
            };
          }

          @Override
          public boolean exists() throws IOException {
            request(location);
            return file.exists();
          }
        };
      }

      @Override
      public OutputFile newOutputFile(Location location) {
        OutputFile out = local.newOutputFile(local(location));
        return new OutputFile() {
          @Override
          public Location location() {
            return location;
          }

          @Override
          public FileOutput create() throws IOException {
            request(location);
            return wrap(out.create());
          }

          @Override
          public FileOutput createExclusive() throws IOException {
            request(location);
            return wrap(out.createExclusive());
          }

          private FileOutput wrap(FileOutput o) {
            return new FileOutput() {
              @Override
              public void write(int b) throws IOException {
                o.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                o.write(b, off, len);
              }

              @Override
              public void close() throws IOException {
                try {
                  request(location); // the publish itself may fail
                } catch (IOException e) {
                  o.abort();
                  throw e;
                }
                o.close();
              }

              @Override
              public void abort() throws IOException {
                o.abort();
              }
            };
          }
        };
      }

      @Override
      public java.util.Optional<java.time.Instant> lastModified(Location location) throws IOException {
        request(location);
        return local.lastModified(local(location));
      }

      @Override
      public List<FileEntry> list(Location directory) throws IOException {
        request(directory);
        return local.list(local(directory)).stream()
            .map(e -> new FileEntry(faulty(e.location()), e.length()))
            .toList();
      }

      @Override
      public void delete(Location location) throws IOException {
        deleteRequest(location);
        local.delete(local(location));
      }

      @Override
      public void deleteRecursively(Location directory) throws IOException {
        request(directory);
        local.deleteRecursively(local(directory));
      }

      @Override
      public boolean supportsFastCopy() {
        return true;
      }

      @Override
      public void copy(Location source, Location target) throws IOException {
        request(source);
        local.copy(local(source), local(target));
      }
    };
  }
}
