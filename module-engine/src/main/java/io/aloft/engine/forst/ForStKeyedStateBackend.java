package io.aloft.engine.forst;

import io.aloft.engine.lsm.CompactionFilter;
import io.aloft.engine.lsm.LsmMetrics;
import io.aloft.engine.lsm.LsmOptions;
import io.aloft.engine.lsm.LsmTree;
import io.aloft.engine.state.TtlCompaction;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import io.aloft.state.StateCompatibilityException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All states of one instance in one {@link LsmTree}. Each state is a logical column family: its rows
 * are stored under {@code key group (2 bytes) | table id (2 bytes) | rest of the row key}, so the key
 * group stays first (ranges stay contiguous for clipping and rescaling) and each state's rows stay
 * together. Table ids are assigned on first registration and kept in the tree's manifest.
 */
final class ForStKeyedStateBackend implements KeyedStateBackend {
  private static final String TABLE_ID_PREFIX = "table.";

  private final LsmTree tree;
  private final Path localDir;
  private final Map<String, ForStTable> tables = new ConcurrentHashMap<>();
  /** TTL and kind of each table id, read by compaction threads. */
  private final Map<Integer, TableSpec> specsById = new ConcurrentHashMap<>();

  ForStKeyedStateBackend(
      LsmOptions options,
      StateFileSystem fs,
      Location primaryDir,
      Path localDir,
      KeyGroupRange keyGroups,
      InstantSource clock)
      throws IOException {
    this.localDir = localDir;
    CompactionFilter ttl = this::filter;
    this.tree = LsmTree.open(options, fs, primaryDir, localDir, ttl, keyGroups, clock);
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
    ForStTable table = new ForStTable(tree, id, spec, this::currentBatch);
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

  /** The write batch being filled on this thread, if any; consulted by the tables. */
  private final ThreadLocal<WriteBatch> currentBatch = new ThreadLocal<>();

  WriteBatch currentBatch() {
    return currentBatch.get();
  }

  /** The batch's writes go to the tree as one atomic write; reads inside it see them. */
  @Override
  public void runWriteBatch(IoRunnable writes) throws IOException {
    WriteBatch batch = new WriteBatch();
    currentBatch.set(batch);
    try {
      writes.run();
    } finally {
      currentBatch.remove();
    }
    if (!batch.isEmpty()) {
      tree.write(batch.mutations());
    }
  }

  /** The batch's reads are one multi-get: they share one pinned view of the tree. */
  @Override
  public void runReadBatch(IoRunnable reads) throws IOException {
    tree.withPinnedView(reads::run);
  }

  /** The tree's counters (tests and benchmarks read them). */
  LsmMetrics metrics() {
    return tree.metrics();
  }

  LsmTree tree() {
    return tree;
  }

  /**
   * Disposes of the working state: without a checkpoint nothing can restore it (there is no
   * write-ahead log), so its files are deleted rather than left to accumulate.
   */
  @Override
  public void close() throws IOException {
    tree.destroy();
    java.nio.file.Files.deleteIfExists(localDir);
  }
}
