package io.aloft.engine.lsm.memtable;

import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.engine.lsm.key.RangeTombstone;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The newest writes, sorted in memory: entries in internal order (user key ascending, sequence number
 * descending) and the range tombstones written meanwhile. It fills up to the write-buffer size, then
 * becomes immutable and is flushed to one SST file.
 *
 * <p>Threading: one writer at a time (the tree serialises writes), any number of concurrent readers.
 */
public final class MemTable {

  /** Orders entries as the SST format does: user key ascending, then newest first. */
  public static final Comparator<Entry> INTERNAL_ORDER =
      (a, b) -> {
        int c = Arrays.compareUnsigned(a.userKey(), b.userKey());
        return c != 0 ? c : Long.compare(b.seq(), a.seq());
      };

  /** Per-entry bookkeeping bytes counted on top of key and value (skip-list node, arrays, record). */
  private static final int ENTRY_OVERHEAD = 96;

  private static final byte[] EMPTY = new byte[0];

  private final ConcurrentSkipListMap<Entry, Boolean> entries = new ConcurrentSkipListMap<>(INTERNAL_ORDER);
  private final List<RangeTombstone> rangeTombstones = new CopyOnWriteArrayList<>();
  private final AtomicLong approximateBytes = new AtomicLong();
  private final long id;

  public MemTable(long id) {
    this.id = id;
  }

  /** Distinguishes memtables in logs and metrics. */
  public long id() {
    return id;
  }

  public void add(Entry entry) {
    entries.put(entry, Boolean.TRUE);
    approximateBytes.addAndGet(entry.userKey().length + entry.value().length + ENTRY_OVERHEAD);
  }

  public void addRangeTombstone(RangeTombstone tombstone) {
    rangeTombstones.add(tombstone);
    approximateBytes.addAndGet(tombstone.start().length + tombstone.end().length + ENTRY_OVERHEAD);
  }

  /** The newest entry of exactly {@code userKey}, or null. */
  public Entry get(byte[] userKey) {
    Entry first = entries.ceilingKey(new Entry(userKey, Long.MAX_VALUE, EntryKind.PUT, EMPTY));
    return first != null && Arrays.equals(first.userKey(), userKey) ? first : null;
  }

  /** Entries from the first one with key {@code >= userKey}, in internal order. */
  public Iterator<Entry> iterator(byte[] fromUserKey) {
    return fromUserKey == null
        ? entries.keySet().iterator()
        : entries
            .tailMap(new Entry(fromUserKey, Long.MAX_VALUE, EntryKind.PUT, EMPTY), true)
            .keySet()
            .iterator();
  }

  public List<RangeTombstone> rangeTombstones() {
    return rangeTombstones;
  }

  public boolean isEmpty() {
    return entries.isEmpty() && rangeTombstones.isEmpty();
  }

  public long approximateBytes() {
    return approximateBytes.get();
  }

  public int entryCount() {
    return entries.size();
  }
}
