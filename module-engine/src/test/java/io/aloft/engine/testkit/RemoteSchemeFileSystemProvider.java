package io.aloft.engine.testkit;

import io.aloft.config.Config;
import io.aloft.config.ConfigOption;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test-only storage provider for the scheme {@code remote}: {@code remote:///abs/path} is served from
 * the local directory {@code /abs/path}, through a {@link RemoteShapedFileSystem} that counts reads. The
 * engine treats it as remote storage (it is not {@code file://}), so the forst backend puts its local
 * file cache in front of it. Registered in {@code META-INF/services} of the engine's tests.
 */
public final class RemoteSchemeFileSystemProvider implements FileSystemProvider {

  public static final String SCHEME = "remote";

  private static final List<RemoteShapedFileSystem> CREATED = new CopyOnWriteArrayList<>();

  public RemoteSchemeFileSystemProvider() {}

  /** Read requests that reached every "remote" file system created so far. */
  public static long readRequests() {
    return CREATED.stream().mapToLong(RemoteShapedFileSystem::readRequests).sum();
  }

  /** {@code remote://} + the absolute path of {@code dir}. */
  public static Location locationOf(java.nio.file.Path dir) {
    return new Location(SCHEME, "", dir.toAbsolutePath().toString());
  }

  @Override
  public List<ConfigOption<?>> options() {
    return List.of(READ_LATENCY);
  }

  @Override
  public Set<String> schemes() {
    return Set.of(SCHEME);
  }

  /**
   * {@code testkit.remote.read-latency}: what each read request waits, as a remote store would (for
   * benchmarks; tests leave it at 0).
   */
  public static final ConfigOption<Duration> READ_LATENCY =
      ConfigOption.duration(
          "testkit.remote.read-latency", Duration.ZERO, "Latency added to every remote:// read request.");

  @Override
  public StateFileSystem create(String scheme, Config config) {
    RemoteShapedFileSystem fs =
        new RemoteShapedFileSystem(
            new Translating(new LocalFileSystemProvider().create("file", config)), config.get(READ_LATENCY));
    CREATED.add(fs);
    return fs;
  }

  /** Maps {@code remote://} locations to {@code file://} ones and back. */
  private static final class Translating implements StateFileSystem {
    private final StateFileSystem local;

    Translating(StateFileSystem local) {
      this.local = local;
    }

    private static Location toLocal(Location remote) {
      if (!remote.scheme().equals(SCHEME) || !remote.authority().isEmpty()) {
        throw new IllegalArgumentException("not a remote:/// location: " + remote);
      }
      return new Location("file", "", remote.path());
    }

    private static Location toRemote(Location local) {
      return new Location(SCHEME, "", local.path());
    }

    private static InputFile wrap(Location location, InputFile in) {
      return new InputFile() {
        @Override
        public Location location() {
          return location;
        }

        @Override
        public long length() throws IOException {
          return in.length();
        }

        @Override
        public FileInput newInput() throws IOException {
          return in.newInput();
        }

        @Override
        public boolean exists() throws IOException {
          return in.exists();
        }
      };
    }

    @Override
    public InputFile newInputFile(Location location) {
      return wrap(location, local.newInputFile(toLocal(location)));
    }

    @Override
    public InputFile newInputFile(Location location, long length) {
      return wrap(location, local.newInputFile(toLocal(location), length));
    }

    @Override
    public OutputFile newOutputFile(Location location) {
      OutputFile out = local.newOutputFile(toLocal(location));
      return new OutputFile() {
        @Override
        public Location location() {
          return location;
        }

        @Override
        public FileOutput create() throws IOException {
          return out.create();
        }

        @Override
        public FileOutput createExclusive() throws IOException {
          return out.createExclusive();
        }
      };
    }

    @Override
    public java.util.Optional<java.time.Instant> lastModified(Location location) throws IOException {
      return local.lastModified(toLocal(location));
    }

    @Override
    public List<FileEntry> list(Location directory) throws IOException {
      List<FileEntry> entries = new ArrayList<>();
      for (FileEntry e : local.list(toLocal(directory))) {
        entries.add(new FileEntry(toRemote(e.location()), e.length()));
      }
      return entries;
    }

    @Override
    public void delete(Location location) throws IOException {
      local.delete(toLocal(location));
    }

    @Override
    public void deleteFiles(Collection<Location> locations) throws IOException {
      local.deleteFiles(locations.stream().map(Translating::toLocal).toList());
    }

    @Override
    public void deleteRecursively(Location directory) throws IOException {
      local.deleteRecursively(toLocal(directory));
    }

    @Override
    public boolean supportsFastCopy() {
      return local.supportsFastCopy();
    }

    @Override
    public void copy(Location source, Location target) throws IOException {
      local.copy(toLocal(source), toLocal(target));
    }
  }
}
