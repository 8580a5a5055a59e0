package io.aloft.engine.lsm;

import io.aloft.engine.checkpoint.SharedFileRegistry;
import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.manifest.ManifestFile;
import io.aloft.engine.lsm.manifest.Version;
import io.aloft.engine.lsm.memtable.MemTable;
import io.aloft.engine.lsm.sst.SstWriter;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tree's versions: the current {@link SuperVersion} and its installation, the manifest that
 * records each new version, file numbers and names, sequence numbers, and the tree's life (open,
 * closed, failed). Every file a version lists is referenced in the {@link SharedFileRegistry} while the
 * version lives; the registry decides when a file no version lists may be deleted.
 *
 * <p>Threading: {@link #lock} guards the active memtable, installs, metadata and the background state;
 * writers, the flusher and the compactor wait and notify on it. {@link #current} is read without it.
 */
final class VersionSet {
  static final String FILE_SUFFIX = ".sst";

  final Object lock = new Object();
  private final StateFileSystem fs;
  private final Location primaryDir;
  private final Path localDir;
  private final LsmOptions options;
  private final TableCache tables;
  private final SharedFileRegistry files;
  private final String dbId;
  private final AtomicLong nextFileNumber;
  private final AtomicLong lastSeq;
  private final AtomicLong nextMemTableId = new AtomicLong();
  private final AtomicLong retiredReadRequests = new AtomicLong();
  private final Map<String, String> metadata = new LinkedHashMap<>(); // lock

  MemTable active; // lock
  private volatile SuperVersion current;
  boolean closed; // lock
  private volatile Throwable backgroundError;

  VersionSet(
      LsmOptions options,
      StateFileSystem fs,
      Location primaryDir,
      Path localDir,
      TableCache tables,
      SharedFileRegistry files,
      ManifestFile.State restored) {
    this.options = options;
    this.fs = fs;
    this.primaryDir = primaryDir;
    this.localDir = localDir;
    this.tables = tables;
    this.files = files;
    this.dbId = restored != null ? restored.dbId() : UUID.randomUUID().toString();
    this.nextFileNumber = new AtomicLong(restored != null ? restored.nextFileNumber() : 1);
    this.lastSeq = new AtomicLong(restored != null ? restored.lastSeq() : 0);
    if (restored != null) {
      metadata.putAll(restored.metadata());
    }
    this.active = new MemTable(nextMemTableId.incrementAndGet());
    Version version = restored != null ? restored.version() : Version.empty();
    for (FileMeta f : version.allFiles()) {
      Location location = location(f);
      files.register(
          location,
          isOwnFile(location) ? SharedFileRegistry.Origin.WRITTEN : SharedFileRegistry.Origin.RESTORED);
    }
    synchronized (lock) {
      acquireFiles(version);
      current = new SuperVersion(active, List.of(), version, this::releaseFiles);
    }
  }

  // ------------------------------------------------------------------------------------- views

  /** Pins the current view; the caller must {@link SuperVersion#unref} it. */
  SuperVersion acquire() {
    while (true) {
      SuperVersion sv = current;
      if (sv.tryRef()) {
        return sv;
      }
    }
  }

  /** The current view, unpinned: for decisions made holding {@link #lock}. */
  SuperVersion current() {
    return current;
  }

  /** Makes a view of {@code imms} and {@code version} current, with the active memtable; holding the lock. */
  void install(List<MemTable> imms, Version version) {
    SuperVersion next = new SuperVersion(active, imms, version, this::releaseFiles);
    acquireFiles(next.version);
    SuperVersion previous = current;
    current = next;
    previous.unref();
  }

  private void acquireFiles(Version version) {
    for (FileMeta f : version.allFiles()) {
      files.acquire(location(f));
    }
  }

  /** A released version drops its references; files no version lists are closed (and maybe deleted). */
  private void releaseFiles(Version version) {
    for (FileMeta f : version.allFiles()) {
      Location location = location(f);
      if (files.release(location)) {
        try {
          retiredReadRequests.addAndGet(tables.evict(location));
        } catch (IOException e) {
          // Closing a reader of a file nothing reads any more: nothing to lose.
        }
      }
    }
  }

  /** Records {@code version} in the manifest; holding the lock. */
  void persist(Version version) throws IOException {
    ManifestFile.write(
        localDir,
        new ManifestFile.State(
            dbId, nextFileNumber.get(), lastSeq.get(), new LinkedHashMap<>(metadata), version));
  }

  // ------------------------------------------------------------------------------------- files

  /** A new SST of {@code level}, written exclusively under a new file number. */
  NewFile newFile(int level) throws IOException {
    long number = nextFileNumber.getAndIncrement();
    String name = dbId + "-" + number + FILE_SUFFIX;
    Location location = primaryDir.resolve(name);
    // Exclusive: a stale instance writing into the same directory can never replace our files.
    SstWriter writer =
        new SstWriter(fs.newOutputFile(location).createExclusive(), location, options.sstOptions(level));
    return new NewFile(number, name, writer);
  }

  /** An SST being written: its number, name and writer. */
  record NewFile(long number, String name, SstWriter writer) {}

  /** Records that the tree wrote {@code file}, before a version lists it. */
  void written(FileMeta file) {
    files.register(location(file), SharedFileRegistry.Origin.WRITTEN);
  }

  Location location(FileMeta file) {
    return tables.location(file);
  }

  /** Whether {@code location} is a file this tree wrote into its primary directory. */
  boolean isOwnFile(Location location) {
    String name = location.fileName();
    return location.parent().equals(primaryDir)
        && name.startsWith(dbId + "-")
        && name.endsWith(FILE_SUFFIX);
  }

  /** The tree's id: the prefix of its file names. */
  String dbId() {
    return dbId;
  }

  SharedFileRegistry files() {
    return files;
  }

  long nextSeq() {
    return lastSeq.incrementAndGet();
  }

  long lastSeq() {
    return lastSeq.get();
  }

  MemTable newMemTable() {
    return new MemTable(nextMemTableId.incrementAndGet());
  }

  long retiredReadRequests() {
    return retiredReadRequests.get();
  }

  // ---------------------------------------------------------------------------------- metadata

  String metadata(String key) {
    synchronized (lock) {
      return metadata.get(key);
    }
  }

  Map<String, String> metadata() {
    synchronized (lock) {
      return Map.copyOf(metadata);
    }
  }

  void putMetadata(String key, String value) throws IOException {
    synchronized (lock) {
      metadata.put(key, value);
      persist(current.version);
    }
  }

  // --------------------------------------------------------------------------------------- life

  /** Fails if the tree is closed or a background flush or compaction failed. */
  void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("the tree in " + primaryDir + " is closed");
    }
    if (backgroundError != null) {
      throw new IOException(
          "a background flush or compaction of " + primaryDir + " failed; the tree is read-only",
          backgroundError);
    }
  }

  boolean failed() {
    return backgroundError != null;
  }

  /** Records a background failure: the tree becomes read-only, and waiters wake to report it. */
  void fail(Throwable t) {
    synchronized (lock) {
      if (backgroundError == null) {
        backgroundError = t;
      }
      lock.notifyAll();
    }
  }

  Location primaryDir() {
    return primaryDir;
  }

  Path localDir() {
    return localDir;
  }
}
