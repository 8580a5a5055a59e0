package io.aloft.engine.keyedstate;

import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.RowGet;
import io.aloft.spi.backend.RowWrite;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.backend.StateTable;
import io.aloft.state.StateDescriptor;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One state request as data: a point read, a page of a prefix scan, or writes of rows of one state's
 * table. The state layer builds it; a {@link RequestHandler} executes it — at once, or batched with
 * others, where the backend sees a batch's gets as one {@link KeyedStateBackend#multiGet multi-get}
 * and its writes as one {@link KeyedStateBackend#write write batch} ({@link #runReads},
 * {@link #runWrites}).
 *
 * <p>Reads of a state with TTL ({@code NeverReturnExpired}) carry its {@link Expiry}: a get returns only
 * what has not expired, and removes what has (the whole row, or a list's expired elements) right after
 * the reads of its batch, before any later request of its key runs; a scan skips expired rows and
 * pages.
 *
 * <p>Threading: built on the task thread; executed on any thread; its outcome is read on the task
 * thread after a hand-off that orders the memory accesses.
 *
 * @param <R> the result: the visible stored value ({@code byte[]}, null when absent) of a get, a
 *     {@link Scanned} page of a scan, nothing of writes
 */
public final class TableRequest<R> {

  /** Whether a request reads or writes: batches keep a key's writes and later reads in order. */
  public enum Kind {
    GET,
    SCAN,
    WRITE;

    public RequestKind phase() {
      return this == WRITE ? RequestKind.WRITE : RequestKind.READ;
    }
  }

  /**
   * What TTL hides: values of {@code kind} written more than {@code ttlMillis} before {@code clock}'s
   * now.
   */
  public record Expiry(StateDescriptor.Kind kind, long ttlMillis, InstantSource clock) {
    /** {@code stored} itself if nothing expired, a shorter list if elements did, null if all did. */
    byte[] visible(byte[] stored, long now) {
      return TtlCompaction.filter(kind, ttlMillis, stored, now);
    }
  }

  /**
   * A page of a scan: the visible rows, and the key to continue after (null when the scan is done).
   */
  public record Scanned(List<KeyValue> rows, byte[] resumeAfter) {}

  private final Kind kind;
  private final String stateId;
  private final StateTable table;
  private final byte[] key; // GET: the row; SCAN: the prefix
  private final byte[] startAfter; // SCAN
  private final int limit; // SCAN
  private final List<RowWrite> writes; // WRITE
  private final Expiry expiry; // GET, SCAN; null: nothing hidden
  private Object result;
  private Throwable failure;

  private TableRequest(
      Kind kind,
      String stateId,
      StateTable table,
      byte[] key,
      byte[] startAfter,
      int limit,
      List<RowWrite> writes,
      Expiry expiry) {
    this.kind = kind;
    this.stateId = stateId;
    this.table = table;
    this.key = key;
    this.startAfter = startAfter;
    this.limit = limit;
    this.writes = writes;
    this.expiry = expiry;
  }

  /** Reads {@code row}; with {@code expiry}, an expired value reads as null and is removed. */
  static TableRequest<byte[]> get(String stateId, StateTable table, byte[] row, Expiry expiry) {
    return new TableRequest<>(Kind.GET, stateId, table, row, null, 0, List.of(), expiry);
  }

  /**
   * Reads up to {@code limit} rows under {@code prefix} after {@code startAfter}; with {@code expiry},
   * expired rows are skipped, and so are pages of only expired rows, so that an empty page ends the
   * scan.
   */
  static TableRequest<Scanned> scan(
      String stateId, StateTable table, byte[] prefix, byte[] startAfter, int limit, Expiry expiry) {
    return new TableRequest<>(Kind.SCAN, stateId, table, prefix, startAfter, limit, List.of(), expiry);
  }

  /** Applies {@code writes} (of {@code table}) in order, atomically where the backend batches. */
  static TableRequest<Void> write(String stateId, StateTable table, List<RowWrite> writes) {
    return new TableRequest<>(Kind.WRITE, stateId, table, null, null, 0, List.copyOf(writes), null);
  }

  public Kind kind() {
    return kind;
  }

  public String stateId() {
    return stateId;
  }

  /** Orders reads by the row (or prefix) they read, unsigned, so that a batch reads in key order. */
  public static final Comparator<TableRequest<?>> BY_KEY = (a, b) -> Arrays.compareUnsigned(a.key, b.key);

  /** Whether the request failed; see {@link #failure()}. */
  public Throwable failure() {
    return failure;
  }

  /** The result, once the request ran without failure. */
  @SuppressWarnings("unchecked")
  public R result() {
    return (R) result;
  }

  /** Marks the request failed, unless it failed already. */
  public void failWith(Throwable t) {
    if (failure == null) {
      failure = t;
    }
  }

  /**
   * Runs {@code reads} (gets and scans): the gets as one multi-get of {@code backend}, then the scans,
   * then the removal of what the gets found expired, as one write. A multi-get that fails fails every
   * get; a scan that fails fails itself.
   */
  public static void runReads(KeyedStateBackend backend, List<? extends TableRequest<?>> reads) {
    List<TableRequest<?>> gets = new ArrayList<>();
    List<RowGet> rows = new ArrayList<>();
    for (TableRequest<?> r : reads) {
      if (r.kind == Kind.GET) {
        gets.add(r);
        rows.add(new RowGet(r.table, r.key));
      } else if (r.kind == Kind.SCAN) {
        try {
          r.result = r.scanVisible();
        } catch (IOException | RuntimeException e) {
          r.failWith(e);
        }
      } else {
        throw new IllegalArgumentException("not a read: " + r.kind);
      }
    }
    if (gets.isEmpty()) {
      return;
    }
    List<byte[]> values;
    try {
      values = backend.multiGet(rows);
      if (values.size() != rows.size()) {
        throw new IllegalStateException(
            backend.getClass().getName() + ".multiGet returned " + values.size() + " values for "
                + rows.size() + " gets");
      }
    } catch (IOException | RuntimeException e) {
      for (TableRequest<?> r : gets) {
        r.failWith(e);
      }
      return;
    }
    List<RowWrite> removals = new ArrayList<>();
    long now = 0;
    for (int i = 0; i < gets.size(); i++) {
      TableRequest<?> r = gets.get(i);
      byte[] stored = values.get(i);
      if (stored != null && r.expiry != null) {
        now = now == 0 ? r.expiry.clock().millis() : now;
        byte[] visible = r.expiry.visible(stored, now);
        if (visible != stored) {
          // Never returned again: remove it from storage too, before a later request of the key runs.
          removals.add(
              visible == null ? RowWrite.delete(r.table, r.key) : RowWrite.put(r.table, r.key, visible));
        }
        stored = visible;
      }
      r.result = stored;
    }
    if (!removals.isEmpty()) {
      try {
        backend.write(removals);
      } catch (IOException | RuntimeException e) {
        // Aloft is fail-stop: a write the storage refused fails the requests that needed it.
        for (TableRequest<?> r : gets) {
          r.failWith(e);
        }
      }
    }
  }

  /** One scan page's visible rows, scanning on past pages of only expired rows. */
  private Scanned scanVisible() throws IOException {
    byte[] cursor = startAfter;
    List<KeyValue> visible = new ArrayList<>();
    boolean more;
    do {
      ScanPage page = table.scan(key, cursor, limit);
      long now = expiry == null ? 0 : expiry.clock().millis();
      for (KeyValue row : page.rows()) {
        if (expiry == null || expiry.visible(row.value(), now) != null) {
          visible.add(row);
        }
      }
      more = page.hasMore() && !page.rows().isEmpty();
      if (more) {
        cursor = page.lastKey();
      }
    } while (visible.isEmpty() && more);
    return new Scanned(visible, more ? cursor : null);
  }

  /**
   * Runs {@code writes} as one write of {@code backend}: they all take effect, or — if the backend
   * fails it — every one of them fails.
   */
  public static void runWrites(KeyedStateBackend backend, List<? extends TableRequest<?>> writes) {
    List<RowWrite> rows = new ArrayList<>();
    for (TableRequest<?> r : writes) {
      if (r.kind != Kind.WRITE) {
        throw new IllegalArgumentException("not a write: " + r.kind);
      }
      rows.addAll(r.writes);
    }
    if (rows.isEmpty()) {
      return;
    }
    try {
      backend.write(rows);
    } catch (IOException | RuntimeException e) {
      for (TableRequest<?> r : writes) {
        r.failWith(e);
      }
    }
  }

  /** Runs this request alone on {@code backend}, on the calling thread. */
  public void runAlone(KeyedStateBackend backend) {
    if (kind == Kind.WRITE) {
      runWrites(backend, List.of(this));
    } else {
      runReads(backend, List.of(this));
    }
  }

  @Override
  public String toString() {
    return kind + " of state '" + stateId + "'";
  }
}
