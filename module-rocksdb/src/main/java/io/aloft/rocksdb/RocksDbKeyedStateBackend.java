package io.aloft.rocksdb;

import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.FileOwnership;
import io.aloft.spi.backend.KeyPrefixes;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.RowGet;
import io.aloft.spi.backend.RowWrite;
import io.aloft.spi.backend.SnapshotRequest;
import io.aloft.spi.backend.SnapshotResult;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import io.aloft.state.StateCompatibilityException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.HistogramType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.MemoryUsageType;
import org.rocksdb.MemoryUtil;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Statistics;
import org.rocksdb.StringAppendOperator;
import org.rocksdb.TickerType;
import org.rocksdb.WriteOptions;

/**
 * All states of one processor instance in one RocksDB: each state is a column family named by its
 * state id, holding the engine's row keys unchanged (they already begin with the key group).
 *
 * <p>Checkpoints are the classic copy model: {@link #snapshot} flushes the memtables, takes a RocksDB
 * checkpoint (hard links of the SST files, copies of the small files) next to the database, and uploads
 * it through the storage SPI. Incrementally: an SST file an earlier checkpoint of this instance already
 * put into {@code <root>/shared/<instance>/<run>/} (or that came with the restored checkpoint) is
 * listed again, not uploaded; the small files go to {@code <root>/chk-<id>/<instance>/<run>/} every
 * time. {@link RocksDbSnapshot} documents the metadata; {@link CheckpointFiles} decides what to delete
 * when checkpoints are subsumed; {@link RocksDbRestore} downloads a checkpoint and rescales it.
 *
 * <p>Native memory: every RocksDB object this backend creates is either owned by it for its whole life
 * and released in {@link #close()} (options, statistics, cache, filter, merge operator, column family
 * handles, the database, the read and write options of point operations) or scoped to one call and
 * released by try-with-resources before the call returns (a scan's read options, bound and iterator;
 * a checkpoint's flush options and checkpoint object). Nothing is left to the garbage collector.
 *
 * <p>Threading: RocksDB is thread-safe, and the long-lived read and write options are never mutated
 * after {@link #open}, so tables are used from any thread without further locking. The one hazard is
 * {@link #close()} freeing native memory under a running call, which would crash the JVM rather than
 * throw: every call holds the read side of {@link #lifecycle}, close takes the write side. Checkpoints
 * are taken and subsumed on the task thread, which owns {@link #transfer} and {@link #checkpointFiles}.
 */
final class RocksDbKeyedStateBackend implements KeyedStateBackend {
  /**
   * Capacity of the block cache that all column families of the instance share. Flink's default for
   * {@code state.backend.rocksdb.block.cache-size}, without managed memory.
   */
  static final long BLOCK_CACHE_BYTES = 8L << 20;

  /** Bloom filter bits per key (about 1% false positives): most state reads are point gets. */
  private static final double BLOOM_BITS_PER_KEY = 10;

  /**
   * Range deletions (map-state clears) after which a memtable is flushed. Every new iterator and get
   * re-fragments the range tombstones of the active memtable, so without a bound reads slow down with
   * every clear until the memtable fills (measured: a batch of point calls and scans went from 140 to
   * 420 us over 6,000 clears; with this bound it stays flat). Flushed tombstones are fragmented once
   * per file.
   */
  private static final int MEMTABLE_MAX_RANGE_DELETIONS = 256;

  static final String DEFAULT_COLUMN_FAMILY = "default";

  /** The database's directory inside the working directory; checkpoints and restores use siblings. */
  private static final String DATABASE_DIR = "db";

  private final Path dir;
  private final Path databaseDir;
  private final String instanceName;
  /**
   * Names this backend run's files in checkpoint storage. A stale instance and its successor share the
   * instance name and, after a restore, RocksDB's file numbers; the run id keeps their files apart.
   */
  private final String runId = UUID.randomUUID().toString();
  /** The database; tables call it directly, always through {@link #call}. */
  final RocksDB db;
  private final LRUCache blockCache;
  /** Tickers only (histograms are off, they cost a clock read per call): counts flushed bytes. */
  private final Statistics statistics;
  /** Shared by every column family; the merge operator in it concatenates list appends. */
  final ColumnFamilyOptions columnOptions;
  /** Point gets of every table, from any thread. */
  final ReadOptions pointReads;
  /** Every write of every table, from any thread. No WAL: checkpoints are the durability point. */
  final WriteOptions writes;
  /**
   * What {@link #close()} releases, last created first: column family handles (also those created
   * later), then the database, then its options.
   */
  private final Deque<AutoCloseable> owned;

  /**
   * Every column family of the database by name, restored ones included before a table claims them.
   * Read from any thread; added to under the monitor of {@link #tables}.
   */
  private final Map<String, ColumnFamilyHandle> columns = new ConcurrentHashMap<>();
  /** Read from any thread; tables are added under its monitor, so a column family is created once. */
  private final Map<String, RocksDbTable> tables = new ConcurrentHashMap<>();
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  /** Written under the write lock of {@link #lifecycle}, read under its read lock. */
  private boolean closed;

  /** Uploads and downloads; task thread. */
  final FileTransfer transfer;
  /** This instance's files in checkpoint storage; task thread. */
  final CheckpointFiles checkpointFiles = new CheckpointFiles();
  /** Who deletes the uploaded files checkpoints name: this backend, or the host. */
  private volatile FileOwnership fileOwnership = FileOwnership.ALOFT;

  private RocksDbKeyedStateBackend(
      Path dir,
      String instanceName,
      FileTransfer transfer,
      RocksDB db,
      LRUCache blockCache,
      Statistics statistics,
      ColumnFamilyOptions columnOptions,
      Map<String, ColumnFamilyHandle> columns,
      ReadOptions pointReads,
      WriteOptions writes,
      Deque<AutoCloseable> owned) {
    this.dir = dir;
    this.databaseDir = dir.resolve(DATABASE_DIR);
    this.instanceName = instanceName;
    this.transfer = transfer;
    this.db = db;
    this.blockCache = blockCache;
    this.statistics = statistics;
    this.columnOptions = columnOptions;
    this.columns.putAll(columns);
    this.pointReads = pointReads;
    this.writes = writes;
    this.owned = owned;
  }

  /**
   * Opens the database of {@code context}'s instance in {@code dir}, which the backend owns from now
   * on: it is deleted on close, or at once if opening fails. A fresh start opens an empty database; a
   * restore downloads the checkpoint's files first (see {@link RocksDbRestore}).
   */
  static RocksDbKeyedStateBackend open(Path dir, BackendContext context) throws IOException {
    String instanceName = context.instanceName();
    Deque<AutoCloseable> owned = new ArrayDeque<>();
    RocksDbKeyedStateBackend backend = null;
    try {
      RocksDbRestore restore = RocksDbRestore.plan(context);
      LRUCache cache = own(owned, new LRUCache(BLOCK_CACHE_BYTES));
      BloomFilter bloom = own(owned, new BloomFilter(BLOOM_BITS_PER_KEY));
      // An empty delimiter makes RocksDB's string-append operator a plain concatenation, which is
      // exactly the engine's list layout (each element carries its own length).
      StringAppendOperator concat = own(owned, new StringAppendOperator(""));
      ColumnFamilyOptions columnOptions =
          own(
              owned,
              new ColumnFamilyOptions()
                  .setMergeOperator(concat)
                  .setMemtableMaxRangeDeletions(MEMTABLE_MAX_RANGE_DELETIONS)
                  .setTableFormatConfig(
                      new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(bloom)));
      Statistics statistics =
          own(owned, new Statistics(EnumSet.allOf(HistogramType.class)));
      DBOptions dbOptions =
          own(
              owned,
              new DBOptions()
                  // A restored database must be there: creating an empty one would lose its state.
                  .setCreateIfMissing(!restore.isRestore())
                  .setInfoLogLevel(InfoLogLevel.HEADER_LEVEL)
                  .setStatsDumpPeriodSec(0)
                  .setStatistics(statistics)
                  // The directory is deleted on close: flushing memtables first would be wasted I/O.
                  .setAvoidFlushDuringShutdown(true));
      ReadOptions pointReads = own(owned, new ReadOptions());
      WriteOptions writes = own(owned, new WriteOptions().setDisableWAL(true));
      Path databaseDir = dir.resolve(DATABASE_DIR);
      Files.createDirectories(databaseDir);
      FileTransfer transfer = new FileTransfer(context.fileSystems());
      restore.downloadBase(transfer, databaseDir);
      List<String> names = restore.columnFamilies();
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>(names.size());
      for (String name : names) {
        descriptors.add(new ColumnFamilyDescriptor(utf8(name), columnOptions));
      }
      List<ColumnFamilyHandle> handles = new ArrayList<>(names.size());
      RocksDB db = RocksDB.open(dbOptions, databaseDir.toString(), descriptors, handles);
      // closeE, not close: RocksDB.close() drops the status of a failed close.
      owned.push(db::closeE);
      Map<String, ColumnFamilyHandle> columns = new ConcurrentHashMap<>();
      for (int i = 0; i < handles.size(); i++) {
        columns.put(names.get(i), own(owned, handles.get(i)));
      }
      backend =
          new RocksDbKeyedStateBackend(
              dir, instanceName, transfer, db, cache, statistics, columnOptions, columns, pointReads,
              writes, owned);
      backend.fileOwnership = context.fileOwnership();
      restore.complete(backend);
      return backend;
    } catch (IOException | RocksDBException | RuntimeException e) {
      IOException failure =
          e instanceof IOException io
              ? io
              : new IOException(
                  "Cannot open RocksDB for instance '" + instanceName + "' in " + dir + ": " + e, e);
      if (backend != null) {
        closeInto(backend, failure);
      } else {
        release(owned, failure);
        deleteDirectory(dir, failure);
      }
      throw failure;
    }
  }

  private static <T extends AutoCloseable> T own(Deque<AutoCloseable> owned, T resource) {
    owned.push(resource);
    return resource;
  }

  private static byte[] utf8(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public StateTable table(TableSpec spec) throws IOException {
    RocksDbTable existing = tables.get(spec.name());
    if (existing != null) {
      return checkSameSpec(existing, spec);
    }
    return call(
        "create the column family of state '" + spec.name() + "'",
        () -> {
          synchronized (tables) {
            RocksDbTable again = tables.get(spec.name());
            if (again != null) {
              return checkSameSpec(again, spec);
            }
            RocksDbTable table = new RocksDbTable(this, spec, column(spec.name()));
            tables.put(spec.name(), table);
            return table;
          }
        });
  }

  /**
   * The column family {@code name} (a state id), created if the database has none yet. Called inside
   * {@link #call}.
   */
  ColumnFamilyHandle column(String name) throws RocksDBException {
    synchronized (tables) {
      ColumnFamilyHandle column = columns.get(name);
      if (column == null) {
        column = db.createColumnFamily(new ColumnFamilyDescriptor(utf8(name), columnOptions));
        owned.push(column);
        columns.put(name, column);
      }
      return column;
    }
  }

  private static RocksDbTable checkSameSpec(RocksDbTable table, TableSpec spec) {
    if (!table.spec().equals(spec)) {
      throw new StateCompatibilityException(
          "State '" + spec.name() + "' is stored as " + describe(table.spec()) + ", not as "
              + describe(spec));
    }
    return table;
  }

  private static String describe(TableSpec spec) {
    return spec.kind() + spec.ttl().map(ttl -> " with TTL " + ttl).orElse("");
  }

  /**
   * Flushes the memtables, takes a local RocksDB checkpoint and uploads what checkpoint storage does
   * not have yet. Reports SST files listed again as referenced, uploads as copied, and as written every
   * byte the snapshot wrote: flushed SST files, local copies (RocksDB hard-links SST files where the
   * file system allows and copies the rest), and uploads.
   */
  @Override
  public SnapshotResult snapshot(SnapshotRequest request) throws IOException {
    Path local = dir.resolve("checkpoint-" + request.checkpointId());
    deleteTree(local); // left over by a failed attempt with the same id
    SnapshotResult result;
    try {
      result = snapshot(request, local);
    } catch (IOException | RuntimeException e) {
      deleteDirectory(local, e);
      throw e;
    }
    deleteTree(local);
    return result;
  }

  private SnapshotResult snapshot(SnapshotRequest request, Path local) throws IOException {
    long checkpointId = request.checkpointId();
    long flushed = checkpointLocally(checkpointId, local);
    List<String> columnFamilies =
        call(
            "read the column families of local checkpoint " + checkpointId,
            () -> {
              try (Options options = new Options()) {
                List<String> names = new ArrayList<>();
                for (byte[] name : RocksDB.listColumnFamilies(options, local.toString())) {
                  names.add(new String(name, StandardCharsets.UTF_8));
                }
                return names;
              }
            });
    List<Path> files;
    try (Stream<Path> list = Files.list(local)) {
      files = list.sorted().toList();
    }
    Location root = request.checkpointRoot();
    List<RocksDbSnapshot.DbFile> listed = new ArrayList<>(files.size());
    long referenced = 0;
    long copied = 0;
    long bytesCopied = 0;
    long localCopies = 0;
    for (Path file : files) {
      String name = file.getFileName().toString();
      long size = Files.size(file);
      if (!isSameFile(file, databaseDir.resolve(name))) {
        localCopies += size;
      }
      boolean shared = request.incremental() && isSst(file);
      Optional<Location> existing =
          shared ? checkpointFiles.find(name, size, root) : Optional.empty();
      Location location;
      if (existing.isPresent()) {
        location = existing.get();
        checkpointFiles.listedBy(checkpointId, location);
        referenced++;
      } else {
        location =
            shared
                ? root.resolve("shared/" + instanceName + "/" + runId + "/" + name)
                : request.checkpointDir().resolve(instanceName + "/" + runId + "/" + name);
        checkpointFiles.writing(checkpointId, location);
        bytesCopied += transfer.upload(file, location);
        copied++;
        if (shared) {
          checkpointFiles.remember(name, location, size);
        }
      }
      listed.add(new RocksDbSnapshot.DbFile(name, location.relativeTo(root), size));
    }
    byte[] metadata = new RocksDbSnapshot(columnFamilies, listed).encode();
    return new SnapshotResult(
        metadata,
        referenced,
        copied,
        bytesCopied,
        flushed + localCopies + bytesCopied,
        listed.stream().map(RocksDbSnapshot.DbFile::location).toList());
  }

  /**
   * Flushes every column family and writes a RocksDB checkpoint of the database into {@code local}.
   *
   * @return the bytes the flush wrote
   */
  private long checkpointLocally(long checkpointId, Path local) throws IOException {
    return call(
        "take a local checkpoint for checkpoint " + checkpointId + " in " + local,
        () -> {
          long before = statistics.getTickerCount(TickerType.FLUSH_WRITE_BYTES);
          try (FlushOptions flush = new FlushOptions().setWaitForFlush(true);
              Checkpoint checkpoint = Checkpoint.create(db)) {
            // The WAL is off, so unflushed rows would be missing from the checkpoint.
            db.flush(flush, new ArrayList<>(columns.values()));
            checkpoint.createCheckpoint(local.toString());
          }
          return statistics.getTickerCount(TickerType.FLUSH_WRITE_BYTES) - before;
        });
  }

  private static boolean isSst(Path file) {
    return file.getFileName().toString().endsWith(".sst");
  }

  private static boolean isSameFile(Path a, Path b) throws IOException {
    return Files.exists(b) && Files.isSameFile(a, b);
  }

  /**
   * Deletes the files this instance wrote that only checkpoint {@code checkpointId} listed: SST files
   * no retained checkpoint lists any more, and that checkpoint's own small files. Also called by the
   * engine for a checkpoint that failed, which releases whatever it had uploaded. Files whose deletion
   * fails are deleted by a later call (the engine retries subsuming).
   */
  /** A restore downloads every file before the database opens: no checkpoint file is read afterwards. */
  @Override
  public boolean readsBelow(Location dir) {
    return false;
  }

  @Override
  public void checkpointSubsumed(long checkpointId) throws IOException {
    if (fileOwnership == FileOwnership.HOST) {
      // Every uploaded file was named by a checkpoint: the host deletes it. Forget it, so no later
      // checkpoint lists a file the host may have deleted.
      checkpointFiles.deleted(checkpointFiles.release(checkpointId));
      return;
    }
    Map<StateFileSystem, List<Location>> unused = new IdentityHashMap<>();
    for (Location location : checkpointFiles.release(checkpointId)) {
      unused
          .computeIfAbsent(transfer.fileSystem(location), fs -> new ArrayList<>())
          .add(location);
    }
    for (Map.Entry<StateFileSystem, List<Location>> e : unused.entrySet()) {
      e.getKey().deleteFiles(e.getValue());
      checkpointFiles.deleted(e.getValue());
    }
  }

  /** A call into RocksDB. */
  @FunctionalInterface
  interface NativeCall<T> {
    T run() throws RocksDBException, IOException;
  }

  /**
   * Runs {@code call} while the database is guaranteed open, turning RocksDB's errors into
   * {@link IOException}s that say what failed ({@code what}, e.g. "read a row of state 'counts'") and
   * where.
   *
   * @throws IllegalStateException if the backend is closed
   */
  <T> T call(String what, NativeCall<T> call) throws IOException {
    Lock lock = lifecycle.readLock();
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException(
            "The rocksdb backend of instance '" + instanceName + "' is closed: cannot " + what);
      }
      return call.run();
    } catch (RocksDBException e) {
      throw new IOException(
          "RocksDB failed to " + what + " (instance '" + instanceName + "', " + dir + "): "
              + e.getMessage(),
          e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * One RocksDB write batch: the writes take effect together. A prefix without an end key (never one
   * of the engine's row keys) is deleted row by row after the batch.
   */
  @Override
  public void write(List<RowWrite> writes) throws IOException {
    List<RowWrite> rowByRow = new java.util.ArrayList<>();
    call(
        "write a batch of " + writes.size() + " writes",
        () -> {
          try (org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch()) {
            for (RowWrite w : writes) {
              org.rocksdb.ColumnFamilyHandle column = own(w.table()).column();
              switch (w.kind()) {
                case PUT -> batch.put(column, w.key(), w.value());
                case MERGE -> batch.merge(column, w.key(), w.value());
                case DELETE -> batch.delete(column, w.key());
                case DELETE_PREFIX -> {
                  byte[] end = KeyPrefixes.end(w.key());
                  if (end != null) {
                    batch.deleteRange(column, w.key(), end);
                  } else {
                    rowByRow.add(w);
                  }
                }
              }
            }
            db.write(this.writes, batch);
          }
          return null;
        });
    for (RowWrite w : rowByRow) {
      w.applyToTable();
    }
  }

  /** One {@code multiGetAsList} call across the tables' column families. */
  @Override
  public List<byte[]> multiGet(List<RowGet> gets) throws IOException {
    List<org.rocksdb.ColumnFamilyHandle> columns = new java.util.ArrayList<>(gets.size());
    List<byte[]> keys = new java.util.ArrayList<>(gets.size());
    for (RowGet g : gets) {
      columns.add(own(g.table()).column());
      keys.add(g.key());
    }
    return call("read " + gets.size() + " rows", () -> db.multiGetAsList(pointReads, columns, keys));
  }

  private RocksDbTable own(io.aloft.spi.backend.StateTable table) {
    if (table instanceof RocksDbTable t && tables.get(t.spec().name()) == t) {
      return t;
    }
    throw new IllegalArgumentException(table + " is not a table of this backend");
  }

  /** The working directory: the database, local checkpoints and restores (tests check close deletes it). */
  Path directory() {
    return dir;
  }

  /** The instance's name, for messages. */
  String instanceName() {
    return instanceName;
  }

  /**
   * What RocksDB itself accounts for: memtables, table readers and the block cache. Native memory
   * outside this (options, iterators, slices) is invisible here; the resource test measures it from
   * the process side.
   */
  Map<MemoryUsageType, Long> memoryUsage() throws IOException {
    return call(
        "measure memory usage",
        () -> MemoryUtil.getApproximateMemoryUsageByType(List.of(db), Set.of(blockCache)));
  }

  /**
   * Waits for running calls, then releases every native object and deletes the working directory.
   * Files in checkpoint storage stay: retained checkpoints outlive the instance. Closing again does
   * nothing.
   */
  @Override
  public void close() throws IOException {
    Lock lock = lifecycle.writeLock();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      IOException failure =
          new IOException("Closing the rocksdb backend of instance '" + instanceName + "' failed");
      tables.clear();
      columns.clear();
      release(owned, failure);
      deleteDirectory(dir, failure);
      if (failure.getSuppressed().length > 0) {
        throw failure;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Closes every resource, last owned first; failures are added to {@code failure}. */
  private static void release(Deque<AutoCloseable> owned, IOException failure) {
    while (!owned.isEmpty()) {
      closeInto(owned.pop(), failure);
    }
  }

  private static void closeInto(AutoCloseable resource, Exception failure) {
    try {
      resource.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  /** Deletes {@code dir} and everything below it, adding a failure to {@code failure}. */
  static void deleteDirectory(Path dir, Exception failure) {
    try {
      deleteTree(dir);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /** Deletes {@code dir} and everything below it; a missing directory is not an error. */
  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(RocksDbKeyedStateBackend::delete);
    } catch (NoSuchFileException e) {
      // Already gone: nothing to delete.
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + path, e);
    }
  }
}
