package io.aloft.engine.lsm;

import io.aloft.engine.checkpoint.SharedFileRegistry;
import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.manifest.ManifestFile;
import io.aloft.engine.lsm.manifest.Version;
import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.blockcache.BlockCacheStats;
import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.spi.backend.FileOwnership;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.KeyPrefixes;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileSystems;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A log-structured merge tree whose files live in a {@link StateFileSystem} (the primary storage,
 * usually remote) and whose manifest lives in a local directory: a facade over the stages of a key's
 * life, each in its own class —
 *
 * <ol>
 *   <li>{@link WritePath}: writes go to the active memtable; a full one becomes immutable;
 *   <li>{@link Flusher}: a background thread flushes immutable memtables to level-0 files;
 *   <li>{@link Compactor}, {@link CompactionPicker}, {@link CompactionJob}: a second background thread
 *       compacts level 0 into level 1 and each level into the next when it outgrows its limit,
 *       applying the {@link CompactionFilter} (TTL) and dropping keys outside the tree's key groups;
 *   <li>{@link ReadPath}: gets, multi-gets and scans see the newest write of every key;
 *   <li>{@link VersionSet}: versions, the manifest, file numbers; the files a version lists are
 *       referenced in the {@link SharedFileRegistry}, the one place that decides when a file is deleted.
 * </ol>
 *
 * <p>There is no write-ahead log: as in Flink's ForSt, checkpoints are the durability points, and
 * {@link #close()} flushes. Files are never changed after they are written.
 *
 * <p>Threading: any number of threads may read and write concurrently; writes are serialised.
 */
public final class LsmTree implements Closeable {

  /** How many bytes a compaction reads from an input file with one request. */
  public static final int COMPACTION_READAHEAD_BYTES = CompactionJob.READAHEAD_BYTES;

  private final VersionSet versions;
  private final TableCache tables;
  private final BlockCache blockCache;
  private final LsmOptions options;
  private final WritePath writes;
  private final ReadPath reads;
  private final Flusher flusher;
  private final Compactor compactor;
  private final ExecutorService flushThread;
  private final ExecutorService compactionThread;

  private LsmTree(
      LsmOptions options,
      StateFileSystem fs,
      FileSystems fileSystems,
      Location primaryDir,
      Path localDir,
      CompactionFilter filter,
      KeyGroupRange clip,
      InstantSource clock,
      SharedFileRegistry files,
      ManifestFile.State restored) {
    this.options = options;
    this.blockCache =
        options.blockCacheBytes() > 0 ? BlockCache.clock(options.blockCacheBytes()) : BlockCache.none();
    this.tables = new TableCache(fileSystems, primaryDir, blockCache);
    this.versions = new VersionSet(options, fs, primaryDir, localDir, tables, files, restored);
    String id = versions.dbId();
    this.flushThread = Executors.newSingleThreadExecutor(r -> daemon(r, "aloft-flush-" + id));
    this.compactionThread = Executors.newSingleThreadExecutor(r -> daemon(r, "aloft-compact-" + id));
    this.compactor =
        new Compactor(
            versions,
            compactionThread,
            new CompactionPicker(options),
            new CompactionJob(versions, tables, options, filter, clip, clock));
    this.flusher = new Flusher(versions, flushThread, compactor);
    this.writes = new WritePath(versions, options, flusher);
    this.reads = new ReadPath(versions, tables);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * {@link #open(LsmOptions, StateFileSystem, Location, Path, CompactionFilter, KeyGroupRange,
   * InstantSource, SharedFileRegistry) Opens} a tree that owns its files alone (no checkpoints).
   */
  public static LsmTree open(
      LsmOptions options,
      StateFileSystem fs,
      Location primaryDir,
      Path localDir,
      CompactionFilter filter,
      KeyGroupRange clip,
      InstantSource clock)
      throws IOException {
    return open(
        options, fs, primaryDir, localDir, filter, clip, clock,
        new SharedFileRegistry(location -> fs, FileOwnership.ALOFT));
  }

  /**
   * Opens the tree whose manifest is in {@code localDir}, or creates an empty one. Files of this tree
   * in {@code primaryDir} that the manifest does not list (left by a crash between writing a file and
   * recording it) are deleted, when {@code files} lets them go.
   *
   * @param clip the key groups this tree serves; compaction drops keys of other groups (null = keep all)
   * @param files where the tree references its files, and what deletes them
   */
  public static LsmTree open(
      LsmOptions options,
      StateFileSystem fs,
      Location primaryDir,
      Path localDir,
      CompactionFilter filter,
      KeyGroupRange clip,
      InstantSource clock,
      SharedFileRegistry files)
      throws IOException {
    ManifestFile.State restored = ManifestFile.read(localDir);
    LsmTree tree =
        new LsmTree(
            options, fs, location -> fs, primaryDir, localDir, filter, clip, clock, files, restored);
    if (restored == null) {
      synchronized (tree.versions.lock) {
        tree.versions.persist(Version.empty());
      }
    } else {
      tree.deleteOrphans();
    }
    return tree;
  }

  /**
   * Creates a tree in {@code localDir} (which must hold no manifest) whose initial files are those of
   * checkpoints, read where they are: {@code levels} name them by absolute location. Their file numbers
   * are reassigned; they are registered as restored (the tree never deletes them), and its own new files
   * get a new id prefix. Sequence numbers continue after {@code lastSeq}.
   */
  public static LsmTree openRestored(
      LsmOptions options,
      StateFileSystem fs,
      FileSystems fileSystems,
      Location primaryDir,
      Path localDir,
      CompactionFilter filter,
      KeyGroupRange clip,
      InstantSource clock,
      SharedFileRegistry files,
      List<List<FileMeta>> levels,
      long lastSeq,
      Map<String, String> metadata)
      throws IOException {
    if (ManifestFile.read(localDir) != null) {
      throw new IOException("cannot restore into " + localDir + ": it already holds a tree");
    }
    long number = 1;
    List<List<FileMeta>> renumbered = new ArrayList<>();
    for (List<FileMeta> level : levels) {
      List<FileMeta> renumberedLevel = new ArrayList<>();
      for (FileMeta f : level) {
        renumberedLevel.add(f.withNumber(number++)); // keeps what the part it came from lets reads see
      }
      renumbered.add(renumberedLevel);
    }
    ManifestFile.State state =
        new ManifestFile.State(
            UUID.randomUUID().toString(), number, lastSeq, metadata, new Version(renumbered));
    LsmTree tree =
        new LsmTree(
            options, fs, fileSystems, primaryDir, localDir, filter, clip, clock, files, state);
    synchronized (tree.versions.lock) {
      tree.versions.persist(state.version());
    }
    return tree;
  }

  /** Where a live file is. */
  public Location location(FileMeta file) {
    return versions.location(file);
  }

  /**
   * Whether a version of the tree — the current one, or an older one a reader still pins — lists a
   * restored file below {@code dir}: whether the tree may still read there. A tree restored from a
   * checkpoint reads the checkpoint's files in place until compaction has rewritten them all.
   */
  public boolean readsBelow(Location dir) {
    return versions.files().readsRestoredBelow(dir);
  }

  /** The tree's last sequence number. */
  public long lastSeq() {
    return versions.lastSeq();
  }

  // ------------------------------------------------------------------------------------- writes

  /** One write of a batch. */
  public record Mutation(EntryKind kind, byte[] key, byte[] value, byte[] rangeEnd) {
    public static Mutation put(byte[] key, byte[] value) {
      return new Mutation(EntryKind.PUT, key, value, null);
    }

    public static Mutation delete(byte[] key) {
      return new Mutation(EntryKind.DELETE, key, new byte[0], null);
    }

    /** Deletes every key in [start, end). */
    public static Mutation deleteRange(byte[] start, byte[] end) {
      return new Mutation(EntryKind.DELETE, start, new byte[0], end);
    }
  }

  public void put(byte[] key, byte[] value) throws IOException {
    write(List.of(Mutation.put(key, value)));
  }

  public void delete(byte[] key) throws IOException {
    write(List.of(Mutation.delete(key)));
  }

  /** Deletes every key in [start, end) with one range tombstone. */
  public void deleteRange(byte[] start, byte[] end) throws IOException {
    if (Arrays.compareUnsigned(start, end) >= 0) {
      throw new IllegalArgumentException("empty range: start must be below end");
    }
    write(List.of(Mutation.deleteRange(start, end)));
  }

  /** Applies the mutations in order, atomically with respect to readers of single keys. */
  public void write(List<Mutation> batch) throws IOException {
    writes.write(batch);
  }

  // -------------------------------------------------------------------------------------- reads

  /** The newest value of {@code key}, or null when it is absent or deleted. */
  public byte[] get(byte[] key) throws IOException {
    return reads.get(key);
  }

  /**
   * The values of several keys (null for absent ones), in the order of {@code keys}, read from one
   * consistent view of the tree: the keys are looked up in ascending order, source by source, so that
   * the keys a file must answer are read from it together and each data block is fetched at most once.
   */
  public List<byte[]> multiGet(List<byte[]> keys) throws IOException {
    return reads.multiGet(keys);
  }

  /**
   * At most {@code limit} visible rows whose keys start with {@code prefix}, after {@code startAfter}
   * (null: from the prefix), in key order.
   */
  public ScanPage scan(byte[] prefix, byte[] startAfter, int limit) throws IOException {
    return reads.scanRange(prefix, KeyPrefixes.end(prefix), startAfter, limit);
  }

  /**
   * At most {@code limit} visible rows with keys in [{@code start}, {@code end}) ({@code end} null:
   * unbounded), after {@code startAfter} (null: from {@code start}), in key order. {@code hasMore}
   * says rows beyond the last one may exist; continue with the last key as {@code startAfter}.
   */
  public ScanPage scanRange(byte[] start, byte[] end, byte[] startAfter, int limit) throws IOException {
    return reads.scanRange(start, end, startAfter, limit);
  }

  // ------------------------------------------------------------------------------ flush, compact

  /** Flushes every memtable to level 0 and waits for it. */
  public void flush() throws IOException {
    synchronized (versions.lock) {
      versions.checkOpen();
      if (!versions.active.isEmpty()) {
        writes.switchMemTable();
      }
      flusher.awaitFlushed();
    }
  }

  /**
   * Compacts every live file into one sorted level, applying the compaction filter and key-group
   * clipping to all of it. Waits for running background work first.
   */
  public void compactAll() throws IOException {
    flush();
    compactor.compactAll();
  }

  /** Waits until no flush or compaction is running or pending. */
  public void awaitBackgroundWork() throws IOException {
    synchronized (versions.lock) {
      try {
        while (flusher.pending() || compactor.running()) {
          versions.checkOpen();
          versions.lock.wait(100);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for background work");
      }
      versions.checkOpen();
    }
  }

  // ---------------------------------------------------------------------------- metadata, metrics

  /** A value the owner stored with {@link #putMetadata}, or null. */
  public String metadata(String key) {
    return versions.metadata(key);
  }

  /** A copy of every metadata entry. */
  public Map<String, String> metadata() {
    return versions.metadata();
  }

  /** Stores a small string in the manifest (the ForSt backend keeps its table ids there). */
  public void putMetadata(String key, String value) throws IOException {
    versions.putMetadata(key, value);
  }

  public LsmMetrics metrics() {
    Version v = versions.current().version;
    BlockCacheStats cache = blockCache.stats();
    return new LsmMetrics(
        flusher.flushes(),
        compactor.compactions(),
        writes.writeStalls(),
        writes.writeStallNanos(),
        v.level(0).size(),
        v.allFiles().size(),
        v.allFiles().stream().mapToLong(FileMeta::size).sum(),
        flusher.bytesFlushed(),
        compactor.bytesCompacted(),
        tables.readRequests() + versions.retiredReadRequests(),
        cache.hits(),
        cache.misses(),
        CompactionPicker.debt(v, options));
  }

  /**
   * The live files of the current version, kept from deletion until {@link Pinned#close()}: a
   * checkpoint lists (and copies) them while compaction goes on and may make them obsolete.
   */
  public Pinned pin() {
    return new Pinned(versions.acquire());
  }

  /** A pinned version's files; close it when done with them. */
  public static final class Pinned implements AutoCloseable {
    private final SuperVersion version;
    private boolean closed;

    private Pinned(SuperVersion version) {
      this.version = version;
    }

    /** The pinned version's files, by level (level 0 newest first). */
    public List<List<FileMeta>> levels() {
      return version.version.levels();
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        version.unref();
      }
    }
  }

  /** The live files, by level (level 0 newest first). */
  public List<List<FileMeta>> levels() {
    return versions.current().version.levels();
  }

  // ------------------------------------------------------------------------------------- life

  /** Deletes files of this tree that no version lists (a crash left them), if the registry lets them go. */
  private void deleteOrphans() throws IOException {
    Set<Location> live = new HashSet<>();
    for (FileMeta f : versions.current().version.allFiles()) {
      live.add(location(f));
    }
    List<Location> orphans = new ArrayList<>();
    for (FileEntry entry : ownFiles()) {
      if (!live.contains(entry.location())) {
        orphans.add(entry.location());
      }
    }
    versions.files().deleteUnreferenced(orphans, false);
  }

  private List<FileEntry> ownFiles() throws IOException {
    List<FileEntry> own = new ArrayList<>();
    StateFileSystem fs = tables.fileSystem();
    for (FileEntry entry : fs.list(versions.primaryDir())) {
      if (versions.isOwnFile(entry.location())) {
        own.add(entry);
      }
    }
    return own;
  }

  /** Flushes the memtables, finishes background work, and releases readers and threads. Keeps every file. */
  @Override
  public void close() throws IOException {
    shutdown(true);
  }

  /**
   * Closes the tree without flushing and deletes what it wrote that the registry lets go (not what a
   * retained checkpoint names, nor — when the host owns them — what any checkpoint named), and its
   * manifest.
   */
  public void destroy() throws IOException {
    shutdown(false);
    List<Location> mine = new ArrayList<>();
    for (FileEntry entry : ownFiles()) {
      mine.add(entry.location());
    }
    versions.files().deleteUnreferenced(mine, true);
    Files.deleteIfExists(versions.localDir().resolve(ManifestFile.NAME));
  }

  private void shutdown(boolean flushFirst) throws IOException {
    synchronized (versions.lock) {
      if (versions.closed) {
        return;
      }
    }
    IOException error = null;
    try {
      if (flushFirst && !versions.failed()) {
        flush();
        awaitBackgroundWork();
      }
    } catch (IOException e) {
      error = e;
    }
    synchronized (versions.lock) {
      versions.closed = true;
      versions.lock.notifyAll();
    }
    flushThread.shutdown();
    compactionThread.shutdown();
    try {
      flushThread.awaitTermination(60, TimeUnit.SECONDS);
      compactionThread.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      tables.close();
    } catch (IOException e) {
      if (error == null) {
        error = e;
      }
    }
    if (error != null) {
      throw error;
    }
  }
}
