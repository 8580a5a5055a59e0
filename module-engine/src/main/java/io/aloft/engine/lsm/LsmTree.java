package io.aloft.engine.lsm;

import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.manifest.ManifestFile;
import io.aloft.engine.lsm.manifest.Version;
import io.aloft.engine.lsm.memtable.MemTable;
import io.aloft.engine.lsm.sst.BlockCache;
import io.aloft.engine.lsm.sst.BlockCacheStats;
import io.aloft.engine.lsm.sst.Entry;
import io.aloft.engine.lsm.sst.EntryKind;
import io.aloft.engine.lsm.sst.RangeTombstone;
import io.aloft.engine.lsm.sst.SstProperties;
import io.aloft.engine.lsm.sst.SstReader;
import io.aloft.engine.lsm.sst.SstWriter;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.KeyPrefixes;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A log-structured merge tree whose files live in a {@link StateFileSystem} (the primary storage,
 * usually remote) and whose manifest lives in a local directory.
 *
 * <p>Writes go to the active memtable; a full memtable becomes immutable and a background thread
 * flushes it to a level-0 file; a second background thread compacts level 0 into level 1 and each
 * level into the next when it outgrows its limit, applying the {@link CompactionFilter} (TTL) and
 * dropping keys outside the tree's key-group range. There is no write-ahead log: as in Flink's ForSt,
 * checkpoints are the durability points, and {@link #close()} flushes.
 *
 * <p>Reads see the newest write of every key. Files are never changed after they are written and are
 * deleted only when no reader can still use them (reference-counted {@code SuperVersion}s).
 *
 * <p>Threading: any number of threads may read and write concurrently; writes are serialised.
 */
public final class LsmTree implements Closeable {
  private static final String FILE_SUFFIX = ".sst";

  /**
   * Bytes of consecutive data blocks a compaction reads from an input file with one request, as
   * RocksDB's {@code compaction_readahead_size} (2 MiB there too): on a store with milliseconds per
   * request, block-sized reads would make compaction fall behind the writes.
   */
  static final int COMPACTION_READAHEAD_BYTES = 2 << 20;

  private final LsmOptions options;
  private final StateFileSystem fs;
  private final Location primaryDir;
  private final Path localDir;
  private final CompactionFilter filter;
  private final KeyGroupRange clip;
  /** Whether an obsolete file of this tree may be deleted now (false while a checkpoint needs it). */
  private volatile java.util.function.Predicate<String> deletionGuard = name -> true;
  private final List<FileMeta> deferredDeletes = new ArrayList<>(); // lock
  private final InstantSource clock;
  private final BlockCache blockCache;
  private final TableCache tables;
  private final String dbId;
  private final AtomicLong nextFileNumber;
  private final AtomicLong lastSeq;
  private final AtomicLong nextMemTableId = new AtomicLong();
  private final ExecutorService flusher;
  private final ExecutorService compactor;

  /** Guards the active memtable, installs of new SuperVersions, file refs, metadata and scheduling. */
  private final Object lock = new Object();

  private MemTable active; // lock
  private volatile SuperVersion current;
  private final Map<Long, Integer> fileRefs = new HashMap<>(); // lock
  /** Where the referenced files of other trees (restored, not written here) lie, by number. lock */
  private final Map<Long, Location> foreignFiles = new HashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>(); // lock
  private final byte[][] compactPointers = new byte[Version.LEVELS][]; // compactor thread
  private boolean compactionRunning; // lock
  private boolean closed; // lock
  private volatile Throwable backgroundError;

  private final AtomicLong flushes = new AtomicLong();
  private final AtomicLong compactions = new AtomicLong();
  private final AtomicLong writeStalls = new AtomicLong();
  private final AtomicLong writeStallNanos = new AtomicLong();
  private final AtomicLong bytesFlushed = new AtomicLong();
  private final AtomicLong bytesCompacted = new AtomicLong();
  private final AtomicLong retiredReadRequests = new AtomicLong();

  /** The memtables and files a reader sees, pinned while it reads. */
  private final class SuperVersion {
    final MemTable mem;
    final List<MemTable> imms; // newest first
    final Version version;
    final AtomicInteger refs = new AtomicInteger(1); // 1 = held by the tree as "current"

    SuperVersion(MemTable mem, List<MemTable> imms, Version version) {
      this.mem = mem;
      this.imms = List.copyOf(imms);
      this.version = version;
    }

    void unref() {
      if (refs.decrementAndGet() == 0) {
        releaseFiles(version);
      }
    }
  }

  private LsmTree(
      LsmOptions options,
      StateFileSystem fs,
      io.aloft.spi.fs.FileSystems fileSystems,
      Location primaryDir,
      Path localDir,
      CompactionFilter filter,
      KeyGroupRange clip,
      InstantSource clock,
      ManifestFile.State restored) {
    this.options = options;
    this.fs = fs;
    this.primaryDir = primaryDir;
    this.localDir = localDir;
    this.filter = filter;
    this.clip = clip;
    this.clock = clock;
    this.blockCache =
        options.blockCacheBytes() > 0 ? BlockCache.caffeine(options.blockCacheBytes()) : BlockCache.none();
    this.tables = new TableCache(fileSystems, primaryDir, blockCache);
    this.dbId = restored != null ? restored.dbId() : UUID.randomUUID().toString();
    this.nextFileNumber = new AtomicLong(restored != null ? restored.nextFileNumber() : 1);
    this.lastSeq = new AtomicLong(restored != null ? restored.lastSeq() : 0);
    if (restored != null) {
      metadata.putAll(restored.metadata());
    }
    this.flusher = Executors.newSingleThreadExecutor(r -> daemon(r, "aloft-flush-" + dbId));
    this.compactor = Executors.newSingleThreadExecutor(r -> daemon(r, "aloft-compact-" + dbId));
    this.active = new MemTable(nextMemTableId.incrementAndGet());
    Version version = restored != null ? restored.version() : Version.empty();
    SuperVersion initial = new SuperVersion(active, List.of(), version);
    synchronized (lock) {
      refFiles(version);
      current = initial;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Opens the tree whose manifest is in {@code localDir}, or creates an empty one. Files of this tree
   * in {@code primaryDir} that the manifest does not list (left by a crash between writing a file and
   * recording it) are deleted.
   *
   * @param clip the key groups this tree serves; compaction drops keys of other groups (null = keep all)
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
    ManifestFile.State restored = ManifestFile.read(localDir);
    LsmTree tree =
        new LsmTree(options, fs, location -> fs, primaryDir, localDir, filter, clip, clock, restored);
    if (restored == null) {
      tree.persist(Version.empty());
    } else {
      tree.deleteOrphans();
    }
    return tree;
  }

  /**
   * Creates a tree in {@code localDir} (which must hold no manifest) whose initial files are those of
   * checkpoints, read where they are: {@code levels} name them by absolute location. Their file numbers
   * are reassigned; the tree never deletes them (they belong to the checkpoint), and its own new files
   * get a new id prefix. Sequence numbers continue after {@code lastSeq}.
   */
  public static LsmTree openRestored(
      LsmOptions options,
      StateFileSystem fs,
      io.aloft.spi.fs.FileSystems fileSystems,
      Location primaryDir,
      Path localDir,
      CompactionFilter filter,
      KeyGroupRange clip,
      InstantSource clock,
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
      List<FileMeta> files = new ArrayList<>();
      for (FileMeta f : level) {
        files.add(f.withNumber(number++)); // keeps what the part it came from lets reads see
      }
      renumbered.add(files);
    }
    ManifestFile.State state =
        new ManifestFile.State(
            UUID.randomUUID().toString(), number, lastSeq, metadata, new Version(renumbered));
    LsmTree tree =
        new LsmTree(options, fs, fileSystems, primaryDir, localDir, filter, clip, clock, state);
    tree.persist(state.version());
    return tree;
  }

  /** Sets what decides whether an obsolete own file may be deleted now; see {@link #retryDeferredDeletes}. */
  public void setDeletionGuard(java.util.function.Predicate<String> guard) {
    this.deletionGuard = guard;
  }

  /** Deletes obsolete files whose deletion the guard refused earlier, if it now allows them. */
  public void retryDeferredDeletes() throws IOException {
    List<FileMeta> now = new ArrayList<>();
    synchronized (lock) {
      for (var it = deferredDeletes.iterator(); it.hasNext(); ) {
        FileMeta f = it.next();
        if (deletionGuard.test(f.name())) {
          it.remove();
          now.add(f);
        }
      }
    }
    for (FileMeta f : now) {
      fs.delete(tables.location(f));
    }
  }

  /** Where a live file is. */
  public Location location(FileMeta file) {
    return tables.location(file);
  }

  /**
   * Whether a version of the tree — the current one, or an older one a reader still pins — references a
   * file below {@code dir}: whether the tree may still read there. A tree restored from a checkpoint
   * reads the checkpoint's files in place until compaction has rewritten them all.
   */
  public boolean readsBelow(Location dir) {
    String prefix = dir.toString().endsWith("/") ? dir.toString() : dir + "/";
    synchronized (lock) {
      for (Location file : foreignFiles.values()) {
        if (file.toString().startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The tree's last sequence number. */
  public long lastSeq() {
    return lastSeq.get();
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
    synchronized (lock) {
      checkOpen();
      makeRoomForWrite();
      for (Mutation m : batch) {
        long seq = lastSeq.incrementAndGet();
        if (m.rangeEnd() != null) {
          active.addRangeTombstone(new RangeTombstone(m.key(), m.rangeEnd(), seq));
        } else {
          active.add(new Entry(m.key(), seq, m.kind(), m.value()));
        }
      }
    }
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("the tree in " + primaryDir + " is closed");
    }
    if (backgroundError != null) {
      throw new IOException(
          "a background flush or compaction of " + primaryDir + " failed; the tree is read-only",
          backgroundError);
    }
  }

  /** Switches a full memtable, waiting (a write stall) while flushes or level 0 are behind. */
  private void makeRoomForWrite() throws IOException {
    long stallStart = 0;
    try {
      while (true) {
        checkOpen();
        SuperVersion sv = current;
        boolean memFull = active.approximateBytes() >= options.writeBufferBytes();
        boolean immsFull = sv.imms.size() >= options.writeBufferCount() - 1;
        boolean level0Full = sv.version.level(0).size() >= options.level0StopWritesTrigger();
        if (level0Full || (memFull && immsFull)) {
          if (stallStart == 0) {
            stallStart = System.nanoTime();
            writeStalls.incrementAndGet();
          }
          lock.wait(100);
          continue;
        }
        if (memFull) {
          switchMemTable();
        }
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during a write stall");
    } finally {
      if (stallStart != 0) {
        writeStallNanos.addAndGet(System.nanoTime() - stallStart);
      }
    }
  }

  private void switchMemTable() {
    List<MemTable> imms = new ArrayList<>();
    imms.add(active);
    imms.addAll(current.imms);
    active = new MemTable(nextMemTableId.incrementAndGet());
    install(new SuperVersion(active, imms, current.version));
    flusher.execute(this::flushOldest);
  }

  // -------------------------------------------------------------------------------------- reads

  /** A view pinned on this thread by {@link #withPinnedView}, or null. */
  private final ThreadLocal<SuperVersion> pinned = new ThreadLocal<>();

  /** Work on the tree's tables, run against one pinned view. */
  @FunctionalInterface
  public interface IoAction {
    void run() throws IOException;
  }

  /**
   * Runs {@code reads} with every read on this thread seeing one and the same view of the tree — a
   * multi-get — and pinning it once instead of once per read.
   */
  public void withPinnedView(IoAction reads) throws IOException {
    if (pinned.get() != null) {
      reads.run();
      return;
    }
    SuperVersion sv = acquire();
    pinned.set(sv);
    try {
      reads.run();
    } finally {
      pinned.remove();
      sv.unref();
    }
  }

  private SuperVersion acquire() {
    SuperVersion view = pinned.get();
    if (view != null) {
      view.refs.incrementAndGet();
      return view;
    }
    while (true) {
      SuperVersion sv = current;
      int refs = sv.refs.get();
      if (refs > 0 && sv.refs.compareAndSet(refs, refs + 1)) {
        return sv;
      }
    }
  }

  /** The newest value of {@code key}, or null when it is absent or deleted. */
  public byte[] get(byte[] key) throws IOException {
    SuperVersion sv = acquire();
    try {
      return get(sv, key);
    } finally {
      sv.unref();
    }
  }

  /**
   * The values of several keys (null for absent ones), in the order of {@code keys}, read from one
   * consistent view of the tree, as {@link #get} would find each: the keys are looked up in ascending
   * order, source by source (memtables, each level-0 file, each deeper level), so that the keys a file
   * must answer are read from it together and each of its data blocks is fetched at most once.
   */
  public List<byte[]> multiGet(List<byte[]> keys) throws IOException {
    SuperVersion sv = acquire();
    try {
      int n = keys.size();
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(keys.get(a), keys.get(b)));
      byte[][] values = new byte[n][];
      long[] tombstoneSeq = new long[n];
      List<Integer> pending = new ArrayList<>(n);
      for (int i : order) {
        if (!resolvedInMemory(sv, keys.get(i), i, values, tombstoneSeq)) {
          pending.add(i);
        }
      }
      for (FileMeta f : sv.version.level(0)) {
        if (pending.isEmpty()) {
          break;
        }
        pending = lookUpInFiles(pending, keys, i -> f, values, tombstoneSeq);
      }
      for (int level = 1; level < Version.LEVELS && !pending.isEmpty(); level++) {
        int l = level;
        pending = lookUpInFiles(pending, keys, i -> sv.version.fileFor(l, keys.get(i)), values, tombstoneSeq);
      }
      return Arrays.asList(values);
    } finally {
      sv.unref();
    }
  }

  /** Looks key {@code i} up in the memtables; false if the files must answer. */
  private static boolean resolvedInMemory(
      SuperVersion sv, byte[] key, int i, byte[][] values, long[] tombstoneSeq) {
    for (MemTable m : memTables(sv)) {
      tombstoneSeq[i] = Math.max(tombstoneSeq[i], coveringSeq(m.rangeTombstones(), key));
      Entry e = m.get(key);
      if (e != null || tombstoneSeq[i] > 0) {
        values[i] = visible(e, tombstoneSeq[i]);
        return true;
      }
    }
    return false;
  }

  /**
   * Looks the {@code pending} keys (indexes in ascending key order) up in the file {@code fileOf} names
   * for each (null: none), one {@link SstReader#getAll} per file; returns the keys still undecided.
   */
  private List<Integer> lookUpInFiles(
      List<Integer> pending,
      List<byte[]> keys,
      java.util.function.IntFunction<FileMeta> fileOf,
      byte[][] values,
      long[] tombstoneSeq)
      throws IOException {
    Map<FileMeta, List<Integer>> byFile = new LinkedHashMap<>();
    List<Integer> undecided = new ArrayList<>();
    for (int i : pending) {
      FileMeta f = fileOf.apply(i);
      if (f != null && f.mayHold(keys.get(i))) {
        byFile.computeIfAbsent(f, x -> new ArrayList<>()).add(i);
      } else {
        undecided.add(i);
      }
    }
    for (Map.Entry<FileMeta, List<Integer>> e : byFile.entrySet()) {
      SstReader reader = tables.reader(e.getKey());
      List<Integer> indexes = e.getValue();
      List<byte[]> fileKeys = new ArrayList<>(indexes.size());
      for (int i : indexes) {
        fileKeys.add(keys.get(i));
        if (e.getKey().rangeTombstoneCount() > 0) {
          tombstoneSeq[i] = Math.max(tombstoneSeq[i], coveringSeq(reader.rangeTombstones(), keys.get(i)));
        }
      }
      Entry[] found = reader.getAll(fileKeys);
      for (int k = 0; k < found.length; k++) {
        int i = indexes.get(k);
        if (found[k] != null || tombstoneSeq[i] > 0) {
          values[i] = visible(found[k], tombstoneSeq[i]);
        } else {
          undecided.add(i);
        }
      }
    }
    undecided.sort((a, b) -> Arrays.compareUnsigned(keys.get(a), keys.get(b)));
    return undecided;
  }

  private byte[] get(SuperVersion sv, byte[] key) throws IOException {
    long tombstoneSeq = 0;
    for (MemTable m : memTables(sv)) {
      tombstoneSeq = Math.max(tombstoneSeq, coveringSeq(m.rangeTombstones(), key));
      Entry e = m.get(key);
      if (e != null || tombstoneSeq > 0) {
        return visible(e, tombstoneSeq);
      }
    }
    for (int level = 0; level < Version.LEVELS; level++) {
      List<FileMeta> candidates =
          level == 0 ? sv.version.level(0) : single(sv.version.fileFor(level, key));
      for (FileMeta f : candidates) {
        if (!f.mayHold(key)) {
          continue;
        }
        SstReader reader = tables.reader(f);
        if (f.rangeTombstoneCount() > 0) {
          tombstoneSeq = Math.max(tombstoneSeq, coveringSeq(reader.rangeTombstones(), key));
        }
        Entry e = reader.get(key);
        if (e != null || tombstoneSeq > 0) {
          return visible(e, tombstoneSeq);
        }
      }
    }
    return null;
  }

  private static List<FileMeta> single(FileMeta f) {
    return f == null ? List.of() : List.of(f);
  }

  private static List<MemTable> memTables(SuperVersion sv) {
    List<MemTable> all = new ArrayList<>(1 + sv.imms.size());
    all.add(sv.mem);
    all.addAll(sv.imms);
    return all;
  }

  /** The value of the newest entry found, given the newest range tombstone covering its key. */
  private static byte[] visible(Entry e, long tombstoneSeq) {
    if (e == null || e.seq() < tombstoneSeq || e.kind() == EntryKind.DELETE) {
      return null;
    }
    return e.value();
  }

  private static long coveringSeq(Collection<RangeTombstone> tombstones, byte[] key) {
    long seq = 0;
    for (RangeTombstone t : tombstones) {
      if (t.seq() > seq
          && Arrays.compareUnsigned(t.start(), key) <= 0
          && Arrays.compareUnsigned(key, t.end()) < 0) {
        seq = t.seq();
      }
    }
    return seq;
  }

  /**
   * At most {@code limit} visible rows whose keys start with {@code prefix}, after {@code startAfter}
   * (null: from the prefix), in key order.
   */
  public ScanPage scan(byte[] prefix, byte[] startAfter, int limit) throws IOException {
    return scanRange(prefix, KeyPrefixes.end(prefix), startAfter, limit);
  }

  /**
   * At most {@code limit} visible rows with keys in [{@code start}, {@code end}) ({@code end} null:
   * unbounded), after {@code startAfter} (null: from {@code start}), in key order. {@code hasMore}
   * says rows beyond the last one may exist; continue with the last key as {@code startAfter}.
   */
  public ScanPage scanRange(byte[] start, byte[] end, byte[] startAfter, int limit) throws IOException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    SuperVersion sv = acquire();
    List<InternalIterator> sources = new ArrayList<>();
    List<RangeTombstone> tombstones = new ArrayList<>();
    try {
      for (MemTable m : memTables(sv)) {
        sources.add(new MemTableIterator(m));
        tombstones.addAll(m.rangeTombstones());
      }
      for (int level = 0; level < Version.LEVELS; level++) {
        List<FileMeta> files = sv.version.overlapping(level, start, end);
        for (FileMeta f : files) {
          if (f.rangeTombstoneCount() > 0) {
            tombstones.addAll(tables.reader(f).rangeTombstones());
          }
        }
        if (level == 0) {
          for (FileMeta f : files) {
            sources.add(SstFileIterator.of(f, tables.reader(f).iterator()));
          }
        } else if (!files.isEmpty()) {
          sources.add(new LevelIterator(files, tables));
        }
      }
      List<KeyValue> rows = new ArrayList<>(Math.min(limit, 256));
      try (MergingIterator it = new MergingIterator(sources)) {
        it.seek(startAfter != null ? startAfter : start);
        byte[] previous = startAfter;
        while (it.valid()) {
          Entry e = it.entry();
          if (end != null && Arrays.compareUnsigned(e.userKey(), end) >= 0) {
            break;
          }
          if (previous != null && Arrays.equals(previous, e.userKey())) {
            it.next(); // an older version of a key already decided, or the resume key itself
            continue;
          }
          if (rows.size() == limit) {
            return new ScanPage(rows, true);
          }
          previous = e.userKey();
          if (e.kind() == EntryKind.PUT && coveringSeq(tombstones, e.userKey()) < e.seq()) {
            rows.add(new KeyValue(e.userKey(), e.value()));
          }
          it.next();
        }
      }
      return new ScanPage(rows, false);
    } finally {
      sv.unref();
    }
  }

  // ------------------------------------------------------------------------------ flush, compact

  /** Flushes every memtable to level 0 and waits for it. */
  public void flush() throws IOException {
    synchronized (lock) {
      checkOpen();
      if (!active.isEmpty()) {
        switchMemTable();
      }
      try {
        while (!current.imms.isEmpty()) {
          checkOpen();
          lock.wait(100);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for a flush");
      }
    }
  }

  private void flushOldest() {
    try {
      SuperVersion sv = acquire();
      MemTable imm;
      try {
        if (sv.imms.isEmpty()) {
          return;
        }
        imm = sv.imms.get(sv.imms.size() - 1);
      } finally {
        sv.unref();
      }
      FileMeta file = imm.isEmpty() ? null : writeLevel0(imm);
      synchronized (lock) {
        Version version = current.version;
        if (file != null) {
          version = version.edit(List.of(), 0, List.of(file));
          persist(version);
        }
        List<MemTable> imms = new ArrayList<>(current.imms);
        imms.removeIf(m -> m == imm);
        install(new SuperVersion(active, imms, version));
        flushes.incrementAndGet();
        // Scheduled before waiters wake, so awaitBackgroundWork never sees a due compaction as idle.
        maybeScheduleCompaction();
        lock.notifyAll();
      }
    } catch (Throwable t) {
      fail(t);
    }
  }

  private FileMeta writeLevel0(MemTable imm) throws IOException {
    long number = nextFileNumber.getAndIncrement();
    String name = fileName(number);
    try (SstWriter writer = newWriter(name, 0)) {
      var it = imm.iterator(null);
      while (it.hasNext()) {
        writer.add(it.next());
      }
      for (RangeTombstone t : imm.rangeTombstones()) {
        writer.addRangeTombstone(t);
      }
      SstProperties p = writer.finish();
      bytesFlushed.addAndGet(p.fileSize());
      return FileMeta.of(number, name, p);
    }
  }

  private String fileName(long number) {
    return dbId + "-" + number + FILE_SUFFIX;
  }

  private SstWriter newWriter(String name, int level) throws IOException {
    Location location = primaryDir.resolve(name);
    // Exclusive: a stale instance writing into the same directory can never replace our files.
    return new SstWriter(fs.newOutputFile(location).createExclusive(), location, options.sstOptions(level));
  }

  /** What one compaction reads and where it writes. */
  private record Pick(List<FileMeta> inputs, int outputLevel, boolean bottommost) {}

  private void maybeScheduleCompaction() {
    synchronized (lock) {
      if (compactionRunning || closed || backgroundError != null) {
        return;
      }
      Pick pick = pick(current.version);
      if (pick == null) {
        return;
      }
      compactionRunning = true;
      compactor.execute(() -> runCompaction(pick));
    }
  }

  private Pick pick(Version v) {
    List<FileMeta> level0 = v.level(0);
    if (level0.size() >= options.level0CompactionTrigger()) {
      return withOverlap(v, level0, 1);
    }
    int best = -1;
    double bestScore = 1.0;
    for (int level = 1; level < Version.LEVELS - 1; level++) {
      double score = (double) v.levelBytes(level) / options.maxBytes(level);
      if (score > bestScore) {
        bestScore = score;
        best = level;
      }
    }
    if (best < 0) {
      return null;
    }
    // Round-robin through the level's key space, as LevelDB does, so every file gets its turn.
    List<FileMeta> files = v.level(best);
    FileMeta chosen = files.get(0);
    byte[] pointer = compactPointers[best];
    if (pointer != null) {
      for (FileMeta f : files) {
        if (Arrays.compareUnsigned(f.smallestKey(), pointer) > 0) {
          chosen = f;
          break;
        }
      }
    }
    compactPointers[best] = chosen.largestKey();
    return withOverlap(v, List.of(chosen), best + 1);
  }

  private static Pick withOverlap(Version v, List<FileMeta> upper, int outputLevel) {
    byte[] smallest = null;
    byte[] largest = null;
    for (FileMeta f : upper) {
      smallest = smallest == null || Arrays.compareUnsigned(f.smallestKey(), smallest) < 0 ? f.smallestKey() : smallest;
      largest = largest == null || Arrays.compareUnsigned(f.largestKey(), largest) > 0 ? f.largestKey() : largest;
    }
    List<FileMeta> inputs = new ArrayList<>(upper);
    inputs.addAll(v.overlapping(outputLevel, smallest, largest));
    boolean bottommost = true;
    for (int level = outputLevel + 1; level < Version.LEVELS; level++) {
      if (!v.overlapping(level, smallest, largest).isEmpty()) {
        bottommost = false;
      }
    }
    return new Pick(inputs, outputLevel, bottommost);
  }

  private void runCompaction(Pick pick) {
    try {
      List<FileMeta> outputs = compact(pick);
      synchronized (lock) {
        if (closed) {
          compactionRunning = false;
          lock.notifyAll();
          return; // its outputs are unreferenced: the next open deletes them as orphans
        }
        Version version = current.version.edit(pick.inputs(), pick.outputLevel(), outputs);
        persist(version);
        install(new SuperVersion(active, current.imms, version));
        compactionRunning = false;
        compactions.incrementAndGet();
        maybeScheduleCompaction(); // before waiters wake, as in flushOldest
        lock.notifyAll();
      }
    } catch (Throwable t) {
      synchronized (lock) {
        compactionRunning = false;
      }
      fail(t);
    }
  }

  /**
   * Compacts every live file into one sorted level, applying the compaction filter and key-group
   * clipping to all of it. Waits for running background work first.
   */
  public void compactAll() throws IOException {
    flush();
    Pick pick;
    synchronized (lock) {
      try {
        while (compactionRunning) {
          checkOpen();
          lock.wait(100);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for a compaction");
      }
      checkOpen();
      Version v = current.version;
      List<FileMeta> all = v.allFiles();
      if (all.isEmpty()) {
        return;
      }
      pick = new Pick(all, Math.max(1, v.deepestNonEmptyLevel()), true);
      compactionRunning = true;
    }
    runCompaction(pick);
    checkOpen();
  }

  /** Merges the inputs, keeping the newest visible version of each key, into files of the output level. */
  private List<FileMeta> compact(Pick pick) throws IOException {
    List<InternalIterator> sources = new ArrayList<>();
    List<RangeTombstone> tombstones = new ArrayList<>();
    for (FileMeta f : pick.inputs()) {
      SstReader reader = tables.reader(f);
      sources.add(SstFileIterator.of(f, reader.sequentialIterator(COMPACTION_READAHEAD_BYTES)));
      tombstones.addAll(reader.rangeTombstones());
    }
    long now = clock.millis();
    OutputFiles out = new OutputFiles(pick.outputLevel());
    List<RangeTombstone> carried = new ArrayList<>();
    if (!pick.bottommost()) {
      for (RangeTombstone t : tombstones) {
        if (clip == null || overlapsClip(t)) {
          carried.add(t);
        }
      }
      carried.sort((a, b) -> Arrays.compareUnsigned(a.start(), b.start()));
    }
    out.pendingTombstones = carried;
    try (MergingIterator it = new MergingIterator(sources)) {
      it.seek(null);
      byte[] previous = null;
      for (; it.valid(); it.next()) {
        Entry e = it.entry();
        if (previous != null && Arrays.equals(previous, e.userKey())) {
          continue; // an older version: no snapshots need it
        }
        previous = e.userKey();
        if (clip != null && !clip.contains(keyGroup(e.userKey()))) {
          continue;
        }
        if (coveringSeq(tombstones, e.userKey()) > e.seq()) {
          continue;
        }
        Entry kept = e;
        if (e.kind() == EntryKind.PUT) {
          byte[] value = filter.filter(e.userKey(), e.value(), now);
          if (value == null) {
            // Expired: older versions may sit deeper, so a tombstone must hide them until the bottom.
            kept = pick.bottommost() ? null : new Entry(e.userKey(), e.seq(), EntryKind.DELETE, new byte[0]);
          } else if (value != e.value()) {
            kept = new Entry(e.userKey(), e.seq(), EntryKind.PUT, value);
          }
        } else if (pick.bottommost()) {
          kept = null; // nothing older remains below for a tombstone to hide
        }
        if (kept != null) {
          out.add(kept);
        }
      }
    }
    return out.finish();
  }

  private boolean overlapsClip(RangeTombstone t) {
    return keyGroup(t.start()) <= clip.endKeyGroup() && keyGroup(t.end()) >= clip.startKeyGroup();
  }

  private static int keyGroup(byte[] key) {
    return key.length < 2 ? 0 : ((key[0] & 0xFF) << 8) | (key[1] & 0xFF);
  }

  /**
   * The output files of one compaction. A file is cut only between keys that no range tombstone
   * spans, so the files of a sorted level never overlap even with tombstones in them.
   */
  private final class OutputFiles {
    final int level;
    final List<FileMeta> files = new ArrayList<>();
    List<RangeTombstone> pendingTombstones = List.of(); // sorted by start
    int nextTombstone;
    byte[] maxTombstoneEnd;
    SstWriter writer;
    long number;
    String name;

    OutputFiles(int level) {
      this.level = level;
    }

    void add(Entry e) throws IOException {
      assignTombstonesBefore(e.userKey());
      if (writer != null
          && writer.estimatedSize() >= options.targetFileBytes()
          && (maxTombstoneEnd == null || Arrays.compareUnsigned(maxTombstoneEnd, e.userKey()) < 0)) {
        finishFile();
      }
      open();
      writer.add(e);
    }

    private void assignTombstonesBefore(byte[] key) throws IOException {
      while (nextTombstone < pendingTombstones.size()
          && (key == null
              || Arrays.compareUnsigned(pendingTombstones.get(nextTombstone).start(), key) < 0)) {
        RangeTombstone t = pendingTombstones.get(nextTombstone++);
        open();
        writer.addRangeTombstone(t);
        if (maxTombstoneEnd == null || Arrays.compareUnsigned(t.end(), maxTombstoneEnd) > 0) {
          maxTombstoneEnd = t.end();
        }
      }
    }

    private void open() throws IOException {
      if (writer == null) {
        number = nextFileNumber.getAndIncrement();
        name = fileName(number);
        writer = newWriter(name, level);
      }
    }

    private void finishFile() throws IOException {
      SstProperties p = writer.finish();
      writer.close();
      writer = null;
      bytesCompacted.addAndGet(p.fileSize());
      files.add(FileMeta.of(number, name, p));
    }

    List<FileMeta> finish() throws IOException {
      try {
        assignTombstonesBefore(null);
        if (writer != null) {
          finishFile();
        }
        return files;
      } catch (IOException | RuntimeException e) {
        if (writer != null) {
          writer.close(); // aborts the unfinished file
        }
        throw e;
      }
    }
  }

  // ------------------------------------------------------------------------ versions and files

  /** Makes {@code next} current; called with {@link #lock} held. */
  private void install(SuperVersion next) {
    refFiles(next.version);
    SuperVersion previous = current;
    current = next;
    previous.unref();
  }

  private void refFiles(Version version) {
    for (FileMeta f : version.allFiles()) {
      if (fileRefs.merge(f.fileNumber(), 1, Integer::sum) == 1) {
        Location location = tables.location(f);
        if (!isOwnFile(location)) {
          foreignFiles.put(f.fileNumber(), location);
        }
      }
    }
  }

  /** Drops a released version's hold on its files; files no version holds any more are deleted. */
  private void releaseFiles(Version version) {
    List<FileMeta> obsolete = new ArrayList<>();
    synchronized (lock) {
      for (FileMeta f : version.allFiles()) {
        int refs = fileRefs.merge(f.fileNumber(), -1, Integer::sum);
        if (refs == 0) {
          fileRefs.remove(f.fileNumber());
          foreignFiles.remove(f.fileNumber());
          obsolete.add(f);
        }
      }
    }
    for (FileMeta f : obsolete) {
      try {
        retiredReadRequests.addAndGet(tables.evict(f));
        Location location = tables.location(f);
        if (!isOwnFile(location)) {
          continue; // restored from a checkpoint: the checkpoint's, not ours to delete
        }
        if (!deletionGuard.test(f.name())) {
          synchronized (lock) {
            deferredDeletes.add(f); // a retained checkpoint still references it
          }
          continue;
        }
        fs.delete(location);
      } catch (IOException e) {
        // A leftover file wastes space but loses nothing: the next open deletes orphans.
      }
    }
  }

  private void persist(Version version) throws IOException {
    ManifestFile.write(
        localDir,
        new ManifestFile.State(dbId, nextFileNumber.get(), lastSeq.get(), new LinkedHashMap<>(metadata), version));
  }

  private void deleteOrphans() throws IOException {
    Set<String> live = new HashSet<>();
    for (FileMeta f : current.version.allFiles()) {
      live.add(f.name());
    }
    for (FileEntry entry : fs.list(primaryDir)) {
      if (isOwnFile(entry.location())
          && !live.contains(entry.location().fileName())
          && deletionGuard.test(entry.location().fileName())) {
        fs.delete(entry.location());
      }
    }
  }

  private void fail(Throwable t) {
    synchronized (lock) {
      if (backgroundError == null) {
        backgroundError = t;
      }
      lock.notifyAll();
    }
  }

  // ---------------------------------------------------------------------------- metadata, metrics

  /** A value the owner stored with {@link #putMetadata}, or null. */
  public String metadata(String key) {
    synchronized (lock) {
      return metadata.get(key);
    }
  }

  /** A copy of every metadata entry. */
  public Map<String, String> metadata() {
    synchronized (lock) {
      return Map.copyOf(metadata);
    }
  }

  /** Stores a small string in the manifest (the ForSt backend keeps its table ids there). */
  public void putMetadata(String key, String value) throws IOException {
    synchronized (lock) {
      metadata.put(key, value);
      persist(current.version);
    }
  }

  public LsmMetrics metrics() {
    Version v = current.version;
    BlockCacheStats cache = blockCache.stats();
    return new LsmMetrics(
        flushes.get(),
        compactions.get(),
        writeStalls.get(),
        writeStallNanos.get(),
        v.level(0).size(),
        v.allFiles().size(),
        v.allFiles().stream().mapToLong(FileMeta::size).sum(),
        bytesFlushed.get(),
        bytesCompacted.get(),
        tables.readRequests() + retiredReadRequests.get(),
        cache.hits(),
        cache.misses());
  }

  /** The live files, by level (level 0 newest first). */
  public List<List<FileMeta>> levels() {
    return current.version.levels();
  }

  /** Waits until no flush or compaction is running or pending. */
  public void awaitBackgroundWork() throws IOException {
    synchronized (lock) {
      try {
        while (!current.imms.isEmpty() || compactionRunning) {
          checkOpen();
          lock.wait(100);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for background work");
      }
      checkOpen();
    }
  }

  /** Flushes the memtables, finishes background work, and releases readers and threads. Keeps every file. */
  @Override
  public void close() throws IOException {
    shutdown(true);
  }

  /**
   * Closes the tree without flushing and deletes what it wrote — its files in the primary directory
   * that the deletion guard lets go (not those a retained checkpoint references) and its manifest.
   */
  public void destroy() throws IOException {
    shutdown(false);
    List<Location> mine = new ArrayList<>();
    for (FileEntry entry : fs.list(primaryDir)) {
      if (isOwnFile(entry.location()) && deletionGuard.test(entry.location().fileName())) {
        mine.add(entry.location());
      }
    }
    fs.deleteFiles(mine);
    Files.deleteIfExists(localDir.resolve(ManifestFile.NAME));
  }

  private boolean isOwnFile(Location location) {
    String name = location.fileName();
    return location.parent().equals(primaryDir) && name.startsWith(dbId + "-") && name.endsWith(FILE_SUFFIX);
  }

  private void shutdown(boolean flushFirst) throws IOException {
    synchronized (lock) {
      if (closed) {
        return;
      }
    }
    IOException error = null;
    try {
      if (flushFirst && backgroundError == null) {
        flush();
        awaitBackgroundWork();
      }
    } catch (IOException e) {
      error = e;
    }
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    flusher.shutdown();
    compactor.shutdown();
    try {
      flusher.awaitTermination(60, TimeUnit.SECONDS);
      compactor.awaitTermination(60, TimeUnit.SECONDS);
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
