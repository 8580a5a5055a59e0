package io.aloft.engine.forst;

import io.aloft.engine.lsm.CompactionFilter;
import io.aloft.engine.lsm.LsmMetrics;
import io.aloft.engine.lsm.LsmOptions;
import io.aloft.engine.lsm.LsmTree;
import io.aloft.engine.keyedstate.TtlCompaction;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.RowGet;
import io.aloft.spi.backend.RowWrite;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import io.aloft.state.StateCompatibilityException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import io.aloft.engine.checkpoint.CheckpointException;
import io.aloft.engine.checkpoint.SharedFileRegistry;
import io.aloft.spi.backend.FileOwnership;
import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.manifest.Version;
import io.aloft.spi.backend.RestoredInstance;
import io.aloft.spi.backend.SnapshotRequest;
import io.aloft.spi.backend.SnapshotResult;
import io.aloft.spi.fs.FileSystems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All states of one instance in one {@link LsmTree}. Each state is a logical column family: its rows
 * are stored under {@code key group (2 bytes) | table id (2 bytes) | rest of the row key}, so the key
 * group stays first (ranges stay contiguous for clipping and rescaling) and each state's rows stay
 * together. Table ids are assigned on first registration and kept in the tree's manifest.
 */
final class ForStKeyedStateBackend implements KeyedStateBackend, SharedFileRegistry.Owner {
  private static final String TABLE_ID_PREFIX = ForStTable.MANIFEST_ID_PREFIX;

  private final LsmTree tree;
  private final Path localDir;
  private final Map<String, ForStTable> tables = new java.util.concurrent.ConcurrentSkipListMap<>();
  /** TTL and kind of each table id, read by compaction threads. */
  private final Map<Integer, TableSpec> specsById = new ConcurrentHashMap<>();

  private final StateFileSystem primaryFs;
  private final FileSystems fileSystems;
  /** Every reference to the tree's files, checkpoints' copies and restored files; the one deleter. */
  private final SharedFileRegistry files;
  /**
   * For a file outside the checkpoint root, the copy a retained checkpoint already holds: incremental
   * checkpoints list it again instead of copying the file once more. Task thread.
   */
  private final Map<String, Location> copyOf = new HashMap<>();
  /** Counts the requests and bytes sent to the primary store (below the file cache). */
  private final io.aloft.engine.fs.CountingFileSystem remote;

  ForStKeyedStateBackend(
      LsmOptions options,
      StateFileSystem fs,
      FileSystems fileSystems,
      Location primaryDir,
      Path localDir,
      KeyGroupRange keyGroups,
      InstantSource clock,
      List<RestoredInstance> restored,
      FileOwnership ownership,
      io.aloft.engine.fs.CountingFileSystem remote)
      throws IOException {
    this.remote = remote;
    this.localDir = localDir;
    this.primaryFs = fs;
    this.fileSystems = fileSystems;
    this.files = new SharedFileRegistry(fileSystems, ownership);
    CompactionFilter ttl =
        new CompactionFilter() {
          @Override
          public byte[] filter(byte[] userKey, byte[] value, long now) {
            return ForStKeyedStateBackend.this.filter(userKey, value, now);
          }

          @Override
          public boolean mayChange(byte[] userKey, int userKeyLength) {
            TableSpec spec = specsById.get(ForStTable.tableId(userKey, userKeyLength));
            return spec != null && spec.ttl().isPresent();
          }
        };
    if (restored.isEmpty()) {
      this.tree = LsmTree.open(options, fs, primaryDir, localDir, ttl, keyGroups, clock, files);
    } else {
      this.tree = restore(options, fs, primaryDir, localDir, ttl, keyGroups, clock, restored);
    }
  }

  @Override
  public SharedFileRegistry sharedFiles() {
    return files;
  }

  /** Opens the files of every restored part in place: the union of their levels. */
  private LsmTree restore(
      LsmOptions options,
      StateFileSystem fs,
      Location primaryDir,
      Path localDir,
      CompactionFilter ttl,
      KeyGroupRange keyGroups,
      InstantSource clock,
      List<RestoredInstance> restored)
      throws IOException {
    long lastSeq = 0;
    Map<String, Integer> ids = new LinkedHashMap<>();
    List<List<FileMeta>> levels = new ArrayList<>();
    for (int l = 0; l < Version.LEVELS; l++) {
      levels.add(new ArrayList<>());
    }
    for (RestoredInstance part : restored) {
      ForStSnapshot snapshot;
      try {
        snapshot = ForStSnapshot.decode(part.metadata());
      } catch (CheckpointException e) {
        throw new CheckpointException(
            "the part for key groups " + part.keyGroupRange() + " of the checkpoint in " + part.checkpointRoot()
                + ": " + e.getMessage(),
            e);
      }
      lastSeq = Math.max(lastSeq, snapshot.lastSeq());
      for (Map.Entry<String, Integer> e : snapshot.tableIds().entrySet()) {
        Integer previous = ids.putIfAbsent(e.getKey(), e.getValue());
        if (previous != null && !previous.equals(e.getValue())) {
          throw new CheckpointException(
              "the checkpoint's parts disagree on the table id of state '" + e.getKey() + "'");
        }
      }
      for (int l = 0; l < Version.LEVELS; l++) {
        for (FileMeta f : snapshot.levels().get(l)) {
          // Of a file the part lists, reads see only the part's key groups: another part may list the
          // same file (both inherited it at an earlier rescale) and own newer versions of the other
          // keys in it. Files with none of this instance's key groups are not needed at all.
          KeyGroupRange own = part.keyGroupRange();
          FileMeta visible =
              f.visibleOnly(
                  Math.max(own.startKeyGroup(), keyGroups.startKeyGroup()),
                  Math.min(own.endKeyGroup(), keyGroups.endKeyGroup()));
          if (visible != null) {
            levels.get(l).add(visible.withName(part.checkpointRoot().resolve(f.name()).toString()));
          }
        }
      }
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    ids.forEach((name, id) -> metadata.put(TABLE_ID_PREFIX + name, Integer.toString(id)));
    return LsmTree.openRestored(
        options, fs, fileSystems, primaryDir, localDir, ttl, keyGroups, clock, files, levels, lastSeq,
        metadata);
  }

  /**
   * Flushes the memtables and lists the tree's files. Files already below the checkpoint root are
   * referenced (with incremental checkpoints); others are copied into the checkpoint's directory —
   * by the store's fast copy when source and target share a store.
   */
  @Override
  public SnapshotResult snapshot(SnapshotRequest request) throws IOException {
    long flushedBefore = tree.metrics().bytesFlushed();
    tree.flush();
    long flushed = tree.metrics().bytesFlushed() - flushedBefore;
    List<List<FileMeta>> levels = new ArrayList<>();
    List<String> files = new ArrayList<>();
    Map<String, Location> inThisCheckpoint = new java.util.HashMap<>();
    long referenced = 0;
    long copied = 0;
    long bytesCopied = 0;
    Location root = request.checkpointRoot();
    // Pinned: a compaction that finishes meanwhile must not delete a file before it is listed.
    try (LsmTree.Pinned pinned = tree.pin()) {
      for (List<FileMeta> level : pinned.levels()) {
        List<FileMeta> listed = new ArrayList<>();
        for (FileMeta f : level) {
          Location source = tree.location(f);
          Location inCheckpoint = source;
          Location earlierCopy = request.incremental() ? copyOf.get(source.toString()) : null;
          Location listedBefore = inThisCheckpoint.get(source.toString());
          if (listedBefore != null) {
            // The same file again, for other key groups (a restore merged parts that both listed it).
            listed.add(f.withName(listedBefore.relativeTo(root)));
            continue;
          }
          if (request.incremental() && source.isBelow(root)) {
            referenced++;
          } else if (earlierCopy != null && earlierCopy.isBelow(root)) {
            inCheckpoint = earlierCopy;
            referenced++;
          } else {
            inCheckpoint = request.checkpointDir().resolve("files/" + source.fileName());
            copy(source, inCheckpoint);
            this.files.register(inCheckpoint, SharedFileRegistry.Origin.COPIED);
            if (request.incremental()) {
              copyOf.put(source.toString(), inCheckpoint);
            }
            copied++;
            bytesCopied += f.size();
          }
          this.files.named(request.checkpointId(), inCheckpoint);
          String relative = inCheckpoint.relativeTo(root);
          listed.add(f.withName(relative));
          files.add(relative);
          inThisCheckpoint.put(source.toString(), inCheckpoint);
        }
        levels.add(listed);
      }
    }
    Map<String, Integer> ids = new LinkedHashMap<>();
    tables.forEach((name, table) -> ids.put(name, table.id()));
    byte[] metadata = new ForStSnapshot(tree.lastSeq(), ids, levels).encode();
    return new SnapshotResult(metadata, referenced, copied, bytesCopied, flushed + bytesCopied, files);
  }

  private void copy(Location source, Location target) throws IOException {
    StateFileSystem targetFs = fileSystems.forLocation(target);
    if (targetFs == primaryFs) {
      primaryFs.copy(source, target); // the store's fast copy where it has one
    } else {
      StateFileSystem.copy(primaryFs, source, targetFs, target);
    }
  }

  /**
   * A restored tree reads the checkpoint's files in place until compaction has rewritten them; a copy
   * made by a checkpoint does not change that, the tree keeps reading the original.
   */
  @Override
  public boolean readsBelow(Location dir) {
    return tree.readsBelow(dir);
  }

  /** Files only the subsumed checkpoint named may go: the registry deletes what Aloft owns of them. */
  @Override
  public void checkpointSubsumed(long checkpointId) throws IOException {
    files.checkpointSubsumed(checkpointId);
    copyOf.values().removeIf(copy -> !files.contains(copy)); // deleted: the next checkpoint copies again
  }

  private byte[] filter(byte[] key, byte[] value, long now) {
    TableSpec spec = specsById.get(ForStTable.tableId(key));
    if (spec == null || spec.ttl().isEmpty()) {
      return value;
    }
    return TtlCompaction.filter(spec.kind(), spec.ttl().get().toMillis(), value, now);
  }

  @Override
  public synchronized StateTable table(TableSpec spec) throws IOException {
    ForStTable existing = tables.get(spec.name());
    if (existing != null) {
      if (!existing.spec().equals(spec)) {
        throw new StateCompatibilityException(
            "State '" + spec.name() + "' is stored as " + existing.spec().kind()
                + ttlText(existing.spec().ttl().orElse(null)) + ", not as " + spec.kind()
                + ttlText(spec.ttl().orElse(null)));
      }
      return existing;
    }
    String key = TABLE_ID_PREFIX + spec.name();
    String stored = tree.metadata(key);
    int id;
    if (stored != null) {
      id = Integer.parseInt(stored);
    } else {
      // Ids are dense and persisted as soon as assigned: the next one is the number already stored.
      id = (int) tree.metadata().keySet().stream().filter(k -> k.startsWith(TABLE_ID_PREFIX)).count();
      if (id > 0xFFFF) {
        throw new IllegalStateException("more than 65536 states in one backend");
      }
      tree.putMetadata(key, Integer.toString(id));
    }
    ForStTable table = new ForStTable(tree, id, spec);
    specsById.put(id, spec);
    tables.put(spec.name(), table);
    return table;
  }

  private static String ttlText(Duration ttl) {
    return ttl == null ? "" : " with TTL " + ttl;
  }

  @Override
  public boolean prefersAsyncExecution() {
    return true; // reads may wait on remote storage
  }

  /** The writes go to the tree as one atomic write; a merge sees the earlier writes. */
  @Override
  public void write(List<RowWrite> writes) throws IOException {
    WriteBatch batch = new WriteBatch(tree);
    for (RowWrite w : writes) {
      own(w.table()).addTo(batch, w);
    }
    if (!batch.mutations().isEmpty()) {
      tree.write(batch.mutations());
    }
  }

  /** One multi-get of the tree: one pinned view, keys sorted, each data block fetched once. */
  @Override
  public List<byte[]> multiGet(List<RowGet> gets) throws IOException {
    List<byte[]> keys = new ArrayList<>(gets.size());
    for (RowGet g : gets) {
      keys.add(own(g.table()).storedKey(g.key()));
    }
    return tree.multiGet(keys);
  }

  private ForStTable own(StateTable table) {
    if (table instanceof ForStTable t && tables.get(t.spec().name()) == t) {
      return t;
    }
    throw new IllegalArgumentException(table + " is not a table of this backend");
  }

  /** The tree's counters (tests and benchmarks read them). */
  LsmMetrics lsmMetrics() {
    return tree.metrics();
  }

  /**
   * The tree's counters as {@code forst.*} and, over remote storage, the file cache's as
   * {@code forst.cache.*}; the README's metrics section lists them.
   */
  @Override
  public java.util.Map<String, Long> metrics() {
    java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
    tree.metrics().export("forst.", m::put);
    // Every request the primary store's provider counted (all users of that file system instance).
    remote.counts().forEach((name, n) -> m.put("forst.remote." + name, n));
    primaryFs.requestCounts().forEach((operation, n) -> m.put("forst.storage.requests." + operation, n));
    if (primaryFs instanceof io.aloft.engine.filecache.CachingFileSystem cache) {
      cache.metrics().export("forst.cache.", m::put);
    }
    return m;
  }

  LsmTree tree() {
    return tree;
  }

  /**
   * Disposes of the working state. Files no retained checkpoint references are deleted (without a
   * checkpoint nothing can restore them: there is no write-ahead log); checkpointed files stay.
   */
  @Override
  public void close() throws IOException {
    tree.destroy();
    if (primaryFs instanceof io.aloft.engine.filecache.CachingFileSystem cache) {
      cache.destroy(); // stops load-backs and deletes this instance's cached copies
    }
    deleteRecursively(localDir); // the manifest, and the file cache when it lives here
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var paths = java.nio.file.Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        java.nio.file.Files.deleteIfExists(p);
      }
    }
  }
}
