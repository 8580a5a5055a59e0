package io.aloft.engine.filecache;

import io.aloft.engine.ForStOptions;

import io.aloft.config.Config;
import io.aloft.spi.cache.CachePolicy;
import io.aloft.spi.cache.CachePolicyFactory;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.FileSystems;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.OutputFile;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * The local file cache of a remote {@link StateFileSystem}: whole files, kept on local disk. A wrapper:
 * the files it hands out wrap the remote ones and see the cache only through {@link LocalCopies}.
 *
 * <ul>
 *   <li><b>Double write.</b> A cacheable file written with {@link OutputFile#createExclusive()} goes to
 *       the remote store and to a local copy through one stream. The remote publish is the commit: the
 *       local copy is published only once the remote {@code close} succeeded.
 *   <li><b>Reads.</b> Each positional read of a cached file is served locally; of an uncached file, by a
 *       remote positional read. An input follows its file in and out of the cache read by read.
 *   <li><b>Load-back.</b> After {@link Builder#loadBackAfter(int) N} remote reads (default
 *       {@value #DEFAULT_LOAD_BACK_AFTER}) of an uncached file since it was last cached, the whole file
 *       is copied into the cache in the background — if the limits make room for it. This is how a
 *       restored or evicted file comes back: on demand, never before it is read.
 *   <li><b>Deletes</b> remove the remote file, then the local copy; <b>eviction</b> deletes only the
 *       local copy. A file written with {@link OutputFile#create()} (which may replace a file) is never
 *       double-written; any copy of it is dropped when the replacement lands.
 *   <li><b>Limits</b> — {@code size-based-limit} and {@code reserve-size}, see {@link FileCache} — hold
 *       at every moment under concurrent reads and writes; the {@link CachePolicy} picks the victims.
 *   <li><b>Safety.</b> Every local read checks the CRC32C of the chunks it touches, so a copy that is
 *       half-written (a crash) or damaged on disk is never served: the read goes remote and the copy is
 *       deleted; a later load-back fetches it again. Listing, {@code exists} and {@code length} of
 *       uncached files always ask the remote store, which stays the truth.
 * </ul>
 *
 * <p>Only files the {@code cacheable} predicate accepts are cached; others pass straight through.
 * Copies rely on files being immutable once written, as the storage contract says: the ForSt backend
 * caches its SST files ({@link #forBackend}), never manifests or checkpoint metadata. Closing stops
 * caching and closes local files; it does not close the remote file system, which is shared.
 */
public final class CachingFileSystem implements StateFileSystem {
  private static final System.Logger LOG = System.getLogger(CachingFileSystem.class.getName());

  /** Remote reads of an uncached file after which it is loaded back into the cache. */
  public static final int DEFAULT_LOAD_BACK_AFTER = 3;

  /** Bytes covered by one CRC32C in a local copy: the unit a local read verifies. */
  public static final int DEFAULT_CHUNK_SIZE = 4096;

  private final StateFileSystem remote;
  private final FileCache cache;
  private final LoadBack loadBack;
  /** What the cached files it hands out see of the cache. */
  private final LocalCopies copies;
  private final Predicate<Location> cacheable;

  private CachingFileSystem(Builder b, FileCache cache) {
    this.remote = b.remote;
    this.cache = cache;
    this.loadBack = new LoadBack(cache, b.loadBackAfter, b.loadBackExecutor);
    this.copies = new CacheReads(cache, loadBack);
    this.cacheable = b.cacheable;
  }

  /** A cache of {@code remote} in {@code dir} (created if absent; a previous run's copies are checked and kept). */
  public static Builder builder(StateFileSystem remote, Path dir, CachePolicy policy) {
    return new Builder(remote, dir, policy);
  }

  /**
   * The cache of a ForSt backend's files, configured from {@code state.backend.forst.cache.*}: SST
   * files ({@code *.sst}) only, in {@code <cache.dir>/<name of localDir>}, or by default in
   * {@code <localDir>/cache} (deleted with the backend's working directory), with the policy
   * {@code policies} creates. The caller decides whether a cache is wanted (not when the primary store is
   * itself local: a copy on the same disk would save nothing).
   */
  public static CachingFileSystem forBackend(
      StateFileSystem remote, Config config, Path localDir, CachePolicyFactory policies) throws IOException {
    Path dir =
        config
            .getOptional(ForStOptions.CACHE_DIR)
            .map(d -> Path.of(d).resolve(localDir.getFileName().toString()))
            .orElseGet(() -> localDir.resolve("cache"));
    return builder(remote, dir, policies.create(config))
        .sizeLimit(config.get(ForStOptions.CACHE_SIZE_LIMIT).bytes())
        .reserveSize(config.get(ForStOptions.CACHE_RESERVE_SIZE).bytes())
        .cacheable(location -> location.fileName().endsWith(".sst"))
        .build();
  }

  /**
   * Storage resolution that sends locations of {@code scheme} (the store this cache wraps) here, and
   * every other location to {@code all}.
   */
  public FileSystems routing(String scheme, FileSystems all) {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(all, "all");
    return location -> location.scheme().equals(scheme) ? this : all.forLocation(location);
  }

  /** The remote store's: requests the cache itself saves never reach it. */
  @Override
  public Map<String, Long> requestCounts() {
    return remote.requestCounts();
  }

  /** What the cache has done so far. */
  public FileCacheMetrics metrics() {
    return cache.metrics();
  }

  // ---------------------------------------------------------------------------------- StateFileSystem

  @Override
  public InputFile newInputFile(Location location) {
    return cacheable.test(location)
        ? new CachingInputFile(remote.newInputFile(location), copies, -1)
        : remote.newInputFile(location);
  }

  @Override
  public InputFile newInputFile(Location location, long length) {
    return cacheable.test(location)
        ? new CachingInputFile(remote.newInputFile(location, length), copies, length)
        : remote.newInputFile(location, length);
  }

  @Override
  public OutputFile newOutputFile(Location location) {
    OutputFile out = remote.newOutputFile(location);
    if (!cacheable.test(location)) {
      return out;
    }
    return new OutputFile() {
      @Override
      public Location location() {
        return location;
      }

      @Override
      public FileOutput create() throws IOException {
        return new ReplacingOutput(out.create(), location);
      }

      @Override
      public FileOutput createExclusive() throws IOException {
        FileOutput remoteOut = out.createExclusive();
        LocalCopy local = cache.beginCopy(location);
        return local == null ? remoteOut : new DoubleWriteOutput(remoteOut, local);
      }
    };
  }

  /** A replacing write: not cached; a copy of the old file is dropped once the new one is published. */
  private final class ReplacingOutput extends FileOutput {
    private final FileOutput out;
    private final Location location;

    ReplacingOutput(FileOutput out, Location location) {
      this.out = out;
      this.location = location;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
      out.write(buffer, offset, length);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } finally {
        forget(location); // even a failed close may have replaced the file
      }
    }

    @Override
    public void abort() throws IOException {
      out.abort();
    }
  }

  @Override
  public List<FileEntry> list(Location directory) throws IOException {
    return remote.list(directory);
  }

  @Override
  public java.util.Optional<java.time.Instant> lastModified(Location location) throws IOException {
    return remote.lastModified(location);
  }

  @Override
  public boolean exists(Location location) throws IOException {
    return remote.exists(location);
  }

  @Override
  public void delete(Location location) throws IOException {
    remote.delete(location);
    forget(location);
  }

  @Override
  public void deleteFiles(Collection<Location> locations) throws IOException {
    remote.deleteFiles(locations);
    for (Location location : locations) {
      forget(location);
    }
  }

  @Override
  public void deleteRecursively(Location directory) throws IOException {
    remote.deleteRecursively(directory);
    cache.invalidateBelow(directory);
    loadBack.forgetBelow(directory.path().equals("/") ? directory.toString() : directory + "/");
  }

  @Override
  public boolean supportsFastCopy() {
    return remote.supportsFastCopy();
  }

  /** A fast copy stays inside the remote store (the target is not cached); otherwise bytes stream through here. */
  @Override
  public void copy(Location source, Location target) throws IOException {
    if (remote.supportsFastCopy()) {
      try {
        remote.copy(source, target);
      } finally {
        forget(target);
      }
    } else {
      StateFileSystem.super.copy(source, target);
    }
  }

  /**
   * Stops caching and closes local files; copies stay on disk. The remote file system stays open.
   * Returns once no load-back writes to the cache directory any more (waiting at most {@link
   * #LOAD_BACKS_ON_CLOSE} for their current remote reads), so the directory can be deleted or reopened.
   */
  @Override
  public void close() {
    cache.close();
    awaitLoadBacks();
  }

  /**
   * Closes the cache and deletes its directory with every copy in it: for a backend that is gone for
   * good. The remote files stay.
   */
  public void destroy() throws IOException {
    close(); // and wait for load-backs, which would otherwise write below the directory being deleted
    cache.destroy();
  }

  /** How long closing waits for load-backs in progress to notice and stop. */
  static final Duration LOAD_BACKS_ON_CLOSE = Duration.ofSeconds(30);

  private void awaitLoadBacks() {
    try {
      if (!loadBack.awaitIdle(LOAD_BACKS_ON_CLOSE)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "file cache " + cache.directory() + " closed while a load-back is still reading from the remote store"
                + " (over " + LOAD_BACKS_ON_CLOSE.toSeconds() + " s); it deletes its temporary file when the read ends");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing goes on; the load-back still cleans up after itself
    }
  }

  private void forget(Location location) {
    if (cacheable.test(location)) {
      String key = location.toString();
      loadBack.forget(key);
      cache.invalidate(key);
    }
  }

  /** Options of a {@link CachingFileSystem}; every setter checks its argument at once. */
  public static final class Builder {
    private final StateFileSystem remote;
    private final Path dir;
    private final CachePolicy policy;
    private long sizeLimit;
    private long reserveSize;
    private FreeSpaceProbe probe;
    private Predicate<Location> cacheable = location -> true;
    private int loadBackAfter = DEFAULT_LOAD_BACK_AFTER;
    private Executor loadBackExecutor;
    private int chunkSize = DEFAULT_CHUNK_SIZE;

    private Builder(StateFileSystem remote, Path dir, CachePolicy policy) {
      this.remote = Objects.requireNonNull(remote, "remote");
      this.dir = Objects.requireNonNull(dir, "dir");
      this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** Most bytes the copies may take on disk, trailers included; 0 (the default) turns the limit off. */
    public Builder sizeLimit(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("sizeLimit must not be negative: " + bytes);
      }
      this.sizeLimit = bytes;
      return this;
    }

    /** Free space to leave on the cache's disk; 0 (the default) turns the limit off. */
    public Builder reserveSize(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("reserveSize must not be negative: " + bytes);
      }
      this.reserveSize = bytes;
      return this;
    }

    /** Where the free space comes from; by default the usable space of the cache directory's file store. */
    public Builder freeSpaceProbe(FreeSpaceProbe probe) {
      this.probe = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /** Which files are cached; the others pass straight through. Default: all. */
    public Builder cacheable(Predicate<Location> cacheable) {
      this.cacheable = Objects.requireNonNull(cacheable, "cacheable");
      return this;
    }

    /** Remote reads of an uncached file that trigger its load-back; 0 turns load-back off. */
    public Builder loadBackAfter(int remoteReads) {
      if (remoteReads < 0) {
        throw new IllegalArgumentException("loadBackAfter must not be negative: " + remoteReads);
      }
      this.loadBackAfter = remoteReads;
      return this;
    }

    /** Where load-backs run; by default two shared daemon threads. {@code Runnable::run} runs them inline. */
    public Builder loadBackExecutor(Executor executor) {
      this.loadBackExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Bytes per CRC32C in new copies: what a local read reads and checks at least. */
    public Builder chunkSize(int bytes) {
      if (bytes < 64) {
        throw new IllegalArgumentException("chunkSize must be at least 64: " + bytes);
      }
      this.chunkSize = bytes;
      return this;
    }

    /** Opens the cache directory, adopting valid copies a previous run left and deleting the rest. */
    public CachingFileSystem build() throws IOException {
      return new CachingFileSystem(
          this, FileCache.open(dir, policy, sizeLimit, reserveSize, probe, chunkSize));
    }
  }
}
