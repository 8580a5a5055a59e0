package io.aloft.rocksdb;

import io.aloft.spi.backend.KeyPrefixes;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * One state as one column family. Row keys are stored exactly as the engine writes them, so RocksDB's
 * bytewise comparator gives the unsigned order the SPI asks for and a key group's rows are one range.
 *
 * <p>TTL is lazy: expired rows stay until the engine, which hides them on every read, rewrites or
 * deletes them. RocksDB's Java binding cannot run a custom compaction filter, and the SPI gives a
 * backend no clock that agrees with the processor's.
 */
final class RocksDbTable implements StateTable {
  /** Rows per page when {@link #deletePrefix} has to delete row by row. */
  private static final int DELETE_PAGE = 1024;

  private final RocksDbKeyedStateBackend backend;
  private final TableSpec spec;
  private final ColumnFamilyHandle column;

  RocksDbTable(RocksDbKeyedStateBackend backend, TableSpec spec, ColumnFamilyHandle column) {
    this.backend = backend;
    this.spec = spec;
    this.column = column;
  }

  TableSpec spec() {
    return spec;
  }

  ColumnFamilyHandle column() {
    return column;
  }

  @Override
  public byte[] get(byte[] key) throws IOException {
    Objects.requireNonNull(key, "key");
    return backend.call(about("read a row"), () -> backend.db.get(column, backend.pointReads, key));
  }

  @Override
  public void put(byte[] key, byte[] value) throws IOException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    write("write a row", () -> backend.db.put(column, backend.writes, key, value));
  }

  @Override
  public void delete(byte[] key) throws IOException {
    Objects.requireNonNull(key, "key");
    write("delete a row", () -> backend.db.delete(column, backend.writes, key));
  }

  /**
   * A merge: the column family's operator concatenates operands with no delimiter when RocksDB reads
   * or compacts the row, so an append costs one write and no read.
   */
  @Override
  public void append(byte[] key, byte[] suffix) throws IOException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(suffix, "suffix");
    write("append to a row", () -> backend.db.merge(column, backend.writes, key, suffix));
  }

  @Override
  public ScanPage scan(byte[] prefix, byte[] startAfter, int limit) throws IOException {
    Objects.requireNonNull(prefix, "prefix");
    if (limit < 1) {
      throw new IllegalArgumentException("scan limit must be positive, was " + limit);
    }
    byte[] end = KeyPrefixes.end(prefix);
    byte[] from = startAfter == null ? prefix : max(prefix, successor(startAfter));
    return backend.call(
        about("scan rows"),
        () -> {
          // Read options are per scan because the bound is; the upper bound stops the iterator at the
          // prefix's end instead of stepping over whatever (tombstones included) follows it.
          try (Slice upper = end == null ? null : new Slice(end);
              ReadOptions options = new ReadOptions();
              RocksIterator it = newIterator(options, upper)) {
            List<KeyValue> rows = new ArrayList<>(Math.min(limit, 128));
            for (it.seek(from); it.isValid(); it.next()) {
              byte[] key = it.key();
              if (end == null && !KeyPrefixes.startsWith(key, prefix)) {
                break;
              }
              if (rows.size() == limit) {
                return new ScanPage(rows, true);
              }
              rows.add(new KeyValue(key, it.value()));
            }
            it.status();
            return new ScanPage(rows, false);
          }
        });
  }

  private RocksIterator newIterator(ReadOptions options, Slice upper) {
    if (upper != null) {
      options.setIterateUpperBound(upper);
    }
    return backend.db.newIterator(column, options);
  }

  /**
   * One range tombstone. Only a prefix with no upper bound (empty, or all {@code 0xFF}, which the
   * engine's key-group-first keys never are) falls back to deleting row by row.
   */
  @Override
  public void deletePrefix(byte[] prefix) throws IOException {
    Objects.requireNonNull(prefix, "prefix");
    byte[] end = KeyPrefixes.end(prefix);
    if (end != null) {
      write("delete a prefix", () -> backend.db.deleteRange(column, backend.writes, prefix, end));
      return;
    }
    ScanPage page;
    do {
      page = scan(prefix, null, DELETE_PAGE);
      for (KeyValue row : page.rows()) {
        delete(row.key());
      }
    } while (page.hasMore());
  }

  /** A write to RocksDB. */
  @FunctionalInterface
  private interface NativeWrite {
    void run() throws RocksDBException;
  }

  private void write(String action, NativeWrite write) throws IOException {
    backend.call(
        about(action),
        () -> {
          write.run();
          return null;
        });
  }

  /** What a call does, for messages: {@code action} and this state's name. */
  private String about(String action) {
    return action + " of state '" + spec.name() + "'";
  }

  /** The smallest key greater than {@code key}: the key followed by a zero byte. */
  private static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  private static byte[] max(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
  }
}
