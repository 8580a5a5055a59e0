package io.aloft.engine.runtime;

import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.backend.StateTable;
import io.aloft.state.StateAccessException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The event-time timers of one processor instance, kept in the state backend, so that they scale with
 * the state rather than with the heap and are checkpointed, restored and rescaled with it (as Flink's
 * RocksDB and ForSt backends can keep them).
 *
 * <p>Layout: table {@value #TABLE} of the backend, one row per timer, value one byte:
 *
 * <pre>
 *   key group : 2 bytes, big-endian (as every row, so rescaling and clipping treat timers like state)
 *   timestamp : 8 bytes, big-endian with the sign bit flipped (so negative times sort first)
 *   key       : the serialized key, to the end of the row
 * </pre>
 *
 * <p>In memory it keeps, per key group, a window of that group's earliest timers (at most {@value
 * #WINDOW}; every timer of the group up to the window's last one is in it), and the earliest timer of
 * every window in one ordered set, so the next timer to fire is known without reading storage. Timers
 * fire in (timestamp, serialized key) order; a (key, timestamp) pair is one timer. Task thread only.
 */
final class TimerStore<K> {
  /** One timer. Equality is by timestamp and serialized key; {@code key} is carried for the callback. */
  record Timer<K>(long timestamp, byte[] keyBytes, int keyGroup, K key) {}

  /** The backend table holding the event-time timers; state ids may not take this name. */
  static final String TABLE = "__aloft_timers__";

  /** The backend table holding the processing-time timers, in the same layout. */
  static final String PROCESSING_TIME_TABLE = "__aloft_processing_timers__";

  /**
   * The tables of the timers per namespace, in the same layout with the key's place taken by {@code
   * key length (int32, big-endian), serialized key, serialized namespace} ({@link NamespaceTimers}).
   */
  static final String NAMESPACE_TABLE = "__aloft_namespace_timers__";

  static final String NAMESPACE_PROCESSING_TIME_TABLE = "__aloft_namespace_processing_timers__";

  /** Timers of one key group held in memory at most. */
  static final int WINDOW = 128;

  private static final byte[] PRESENT = {1};

  private static final Comparator<Timer<?>> ORDER =
      Comparator.<Timer<?>>comparingLong(Timer::timestamp)
          .thenComparing(Timer::keyBytes, Arrays::compareUnsigned);

  /** The window of one key group. */
  private final class Window {
    final int keyGroup;
    final TreeSet<Timer<K>> timers = new TreeSet<>(ORDER);
    /** Whether every timer of the group is in {@link #timers}; else those after {@link #last} are not. */
    boolean complete;
    Timer<K> last;

    Window(int keyGroup) {
      this.keyGroup = keyGroup;
    }

    /** Whether the window is where {@code t} belongs: it holds every timer up to its last one. */
    boolean covers(Timer<K> t) {
      return complete || (last != null && ORDER.compare(t, last) <= 0);
    }
  }

  private final StateTable table;
  private final Function<byte[], K> keyOf;
  private final Map<Integer, Window> windows = new HashMap<>();
  /** The first timer of every non-empty window. */
  private final TreeSet<Timer<K>> heads = new TreeSet<>(ORDER);

  /**
   * Opens the timers of {@code range} in {@code table}; {@code restored} says the table may hold timers
   * already (a fresh instance's table is empty, and nothing is read).
   */
  TimerStore(StateTable table, KeyGroupRange range, boolean restored, Function<byte[], K> keyOf) {
    this.table = table;
    this.keyOf = keyOf;
    for (int g = range.startKeyGroup(); g <= range.endKeyGroup(); g++) {
      Window w = new Window(g);
      windows.put(g, w);
      if (restored) {
        load(w);
      } else {
        w.complete = true;
      }
    }
  }

  void register(Timer<K> timer) {
    try {
      table.put(row(timer), PRESENT);
    } catch (IOException e) {
      throw new StateAccessException("cannot register the timer at " + timer.timestamp() + ": " + e.getMessage(), e);
    }
    Window w = windows.get(timer.keyGroup());
    if (!w.covers(timer)) {
      return; // stored; read when the window reaches it
    }
    Timer<K> head = w.timers.isEmpty() ? null : w.timers.first();
    w.timers.add(timer);
    if (w.timers.size() > WINDOW) {
      // Bounded: the latest timer leaves memory (it stays stored) and the window ends before it.
      w.timers.pollLast();
      w.complete = false;
      w.last = w.timers.last();
    }
    updateHead(w, head);
  }

  void delete(Timer<K> timer) {
    try {
      table.delete(row(timer));
    } catch (IOException e) {
      throw new StateAccessException("cannot delete the timer at " + timer.timestamp() + ": " + e.getMessage(), e);
    }
    Window w = windows.get(timer.keyGroup());
    Timer<K> head = w.timers.isEmpty() ? null : w.timers.first();
    if (w.timers.remove(timer)) {
      if (w.timers.isEmpty() && !w.complete) {
        load(w);
      }
      updateHead(w, head);
    }
  }

  /** Removes and returns the earliest timer at or before {@code watermark}, or null. */
  Timer<K> pollDue(long watermark) {
    if (heads.isEmpty() || heads.first().timestamp() > watermark) {
      return null;
    }
    Timer<K> timer = heads.first();
    delete(timer);
    return timer;
  }

  /**
   * How many timers are at or before {@code time} among those in memory (each window holds its group's
   * earliest timers, so these are the due ones, up to a window's size per group).
   */
  int countDue(long time) {
    int n = 0;
    for (Window w : windows.values()) {
      for (Timer<K> t : w.timers) {
        if (t.timestamp() > time) {
          break;
        }
        n++;
      }
    }
    return n;
  }

  /** The time of the earliest timer, or {@link Long#MAX_VALUE} when there is none. */
  long nextTimestamp() {
    return heads.isEmpty() ? Long.MAX_VALUE : heads.first().timestamp();
  }

  /** Whether a timer at or before {@code watermark} is waiting. */
  boolean hasDue(long watermark) {
    return !heads.isEmpty() && heads.first().timestamp() <= watermark;
  }

  private void updateHead(Window w, Timer<K> previousHead) {
    Timer<K> head = w.timers.isEmpty() ? null : w.timers.first();
    if (head == previousHead) {
      return;
    }
    if (previousHead != null) {
      heads.remove(previousHead);
    }
    if (head != null) {
      heads.add(head);
    }
  }

  /** Reads the next window of the group's timers, after the current last one. */
  private void load(Window w) {
    byte[] prefix = {(byte) (w.keyGroup >>> 8), (byte) w.keyGroup};
    ScanPage page;
    try {
      page = table.scan(prefix, w.last == null ? null : row(w.last), WINDOW);
    } catch (IOException e) {
      throw new StateAccessException("cannot read the timers of key group " + w.keyGroup + ": " + e.getMessage(), e);
    }
    Timer<K> head = w.timers.isEmpty() ? null : w.timers.first();
    for (KeyValue kv : page.rows()) {
      w.timers.add(timerOf(w.keyGroup, kv.key()));
    }
    w.complete = !page.hasMore();
    w.last = w.timers.isEmpty() ? w.last : w.timers.last();
    updateHead(w, head);
  }

  private Timer<K> timerOf(int keyGroup, byte[] row) {
    long flipped = 0;
    for (int i = 2; i < 10; i++) {
      flipped = (flipped << 8) | (row[i] & 0xFF);
    }
    byte[] keyBytes = Arrays.copyOfRange(row, 10, row.length);
    return new Timer<>(flipped ^ Long.MIN_VALUE, keyBytes, keyGroup, keyOf.apply(keyBytes));
  }

  private static byte[] row(Timer<?> t) {
    byte[] keyBytes = t.keyBytes();
    byte[] row = new byte[10 + keyBytes.length];
    row[0] = (byte) (t.keyGroup() >>> 8);
    row[1] = (byte) t.keyGroup();
    long flipped = t.timestamp() ^ Long.MIN_VALUE;
    for (int i = 0; i < 8; i++) {
      row[2 + i] = (byte) (flipped >>> (56 - 8 * i));
    }
    System.arraycopy(keyBytes, 0, row, 10, keyBytes.length);
    return row;
  }
}
