package io.aloft.rocksdb;

import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.MemoryUsageType;
import org.rocksdb.MemoryUtil;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.StringAppendOperator;
import org.rocksdb.WriteOptions;

/**
 * All states of one processor instance in one RocksDB: each state is a column family named by its
 * state id, holding the engine's row keys unchanged (they already begin with the key group).
 *
 * <p>Native memory: every RocksDB object this backend creates is either owned by it for its whole life
 * and released in {@link #close()} (options, cache, filter, merge operator, column family handles, the
 * database, the read and write options of point operations) or scoped to one call and released by
 * try-with-resources before the call returns (a scan's read options, bound and iterator). Nothing is
 * left to the garbage collector.
 *
 * <p>Threading: RocksDB is thread-safe, and the long-lived read and write options are never mutated
 * after {@link #open}, so tables are used from any thread without further locking. The one hazard is
 * {@link #close()} freeing native memory under a running call, which would crash the JVM rather than
 * throw: every call holds the read side of {@link #lifecycle}, close takes the write side.
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

  private static final String DEFAULT_COLUMN_FAMILY = "default";

  private final Path dir;
  private final String instanceName;
  /** The database; tables call it directly, always through {@link #call}. */
  final RocksDB db;
  private final LRUCache blockCache;
  /** Shared by every column family; the merge operator in it concatenates list appends. */
  private final ColumnFamilyOptions columnOptions;
  /** The column family RocksDB always has; it holds the state whose id is {@code default}, if any. */
  private final ColumnFamilyHandle defaultColumn;
  /** Point gets of every table, from any thread. */
  final ReadOptions pointReads;
  /** Every write of every table, from any thread. No WAL: checkpoints will be the durability point. */
  final WriteOptions writes;
  /** What {@link #close()} releases after the tables' column families, last created first. */
  private final Deque<AutoCloseable> owned;

  /** Read from any thread; tables are added under its monitor, so a column family is created once. */
  private final Map<String, RocksDbTable> tables = new ConcurrentHashMap<>();
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  /** Written under the write lock of {@link #lifecycle}, read under its read lock. */
  private boolean closed;

  private RocksDbKeyedStateBackend(
      Path dir,
      String instanceName,
      RocksDB db,
      LRUCache blockCache,
      ColumnFamilyOptions columnOptions,
      ColumnFamilyHandle defaultColumn,
      ReadOptions pointReads,
      WriteOptions writes,
      Deque<AutoCloseable> owned) {
    this.dir = dir;
    this.instanceName = instanceName;
    this.db = db;
    this.blockCache = blockCache;
    this.columnOptions = columnOptions;
    this.defaultColumn = defaultColumn;
    this.pointReads = pointReads;
    this.writes = writes;
    this.owned = owned;
  }

  /**
   * Opens a new, empty database in {@code dir}, which the backend owns from now on: it is deleted on
   * close, or at once if opening fails.
   */
  static RocksDbKeyedStateBackend open(Path dir, String instanceName) throws IOException {
    Deque<AutoCloseable> owned = new ArrayDeque<>();
    try {
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
      DBOptions dbOptions =
          own(
              owned,
              new DBOptions()
                  .setCreateIfMissing(true)
                  .setInfoLogLevel(InfoLogLevel.HEADER_LEVEL)
                  .setStatsDumpPeriodSec(0)
                  // The directory is deleted on close: flushing memtables first would be wasted I/O.
                  .setAvoidFlushDuringShutdown(true));
      ReadOptions pointReads = own(owned, new ReadOptions());
      WriteOptions writes = own(owned, new WriteOptions().setDisableWAL(true));
      List<ColumnFamilyHandle> handles = new ArrayList<>(1);
      RocksDB db =
          RocksDB.open(
              dbOptions,
              dir.toString(),
              List.of(
                  new ColumnFamilyDescriptor(
                      DEFAULT_COLUMN_FAMILY.getBytes(StandardCharsets.UTF_8), columnOptions)),
              handles);
      // closeE, not close: RocksDB.close() drops the status of a failed close.
      owned.push(db::closeE);
      ColumnFamilyHandle defaultColumn = own(owned, handles.get(0));
      return new RocksDbKeyedStateBackend(
          dir, instanceName, db, cache, columnOptions, defaultColumn, pointReads, writes, owned);
    } catch (RocksDBException | RuntimeException e) {
      IOException failure =
          new IOException(
              "Cannot open RocksDB for instance '" + instanceName + "' in " + dir + ": " + e, e);
      release(owned, failure);
      deleteDirectory(dir, failure);
      throw failure;
    }
  }

  private static <T extends AutoCloseable> T own(Deque<AutoCloseable> owned, T resource) {
    owned.push(resource);
    return resource;
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
            ColumnFamilyHandle column =
                spec.name().equals(DEFAULT_COLUMN_FAMILY)
                    ? defaultColumn
                    : db.createColumnFamily(
                        new ColumnFamilyDescriptor(
                            spec.name().getBytes(StandardCharsets.UTF_8), columnOptions));
            RocksDbTable table = new RocksDbTable(this, spec, column);
            tables.put(spec.name(), table);
            return table;
          }
        });
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

  /** The working directory (tests check that close deletes it). */
  Path directory() {
    return dir;
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
   * Closing again does nothing.
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
      // Column family handles go before the database, the database before its options.
      for (RocksDbTable table : tables.values()) {
        if (table.column() != defaultColumn) {
          closeInto(table.column(), failure);
        }
      }
      tables.clear();
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

  private static void closeInto(AutoCloseable resource, IOException failure) {
    try {
      resource.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  private static void deleteDirectory(Path dir, IOException failure) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(RocksDbKeyedStateBackend::delete);
    } catch (NoSuchFileException e) {
      // Already gone: nothing to delete.
    } catch (IOException | UncheckedIOException e) {
      failure.addSuppressed(e);
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
