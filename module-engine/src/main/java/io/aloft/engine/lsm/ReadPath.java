package io.aloft.engine.lsm;

import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.manifest.Version;
import io.aloft.engine.lsm.memtable.MemTable;
import io.aloft.engine.lsm.block.Block;
import io.aloft.engine.lsm.block.SstCorruptionException;
import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.engine.lsm.key.RangeTombstone;
import io.aloft.engine.lsm.sst.SstReader;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.ScanPage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read path (RocksDB's {@code db_impl} get and iterator halves): point gets, multi-gets and range
 * scans against a pinned {@link SuperVersion}, newest source first — the memtables, each level-0 file,
 * then one file per deeper level — with range tombstones applied across sources.
 */
final class ReadPath {
  private final VersionSet versions;
  private final TableCache tables;

  ReadPath(VersionSet versions, TableCache tables) {
    this.versions = versions;
    this.tables = tables;
  }

  /** The newest value of {@code key}, or null when it is absent or deleted. */
  byte[] get(byte[] key) throws IOException {
    SuperVersion sv = versions.acquire();
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
  List<byte[]> multiGet(List<byte[]> keys) throws IOException {
    SuperVersion sv = versions.acquire();
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
    for (MemTable m : sv.memTables()) {
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
   * for each (null: none), and returns the keys still undecided. The files' readers are opened, then
   * the data blocks the keys need are fetched — each once, distinct ones in parallel — and then each key
   * is looked up in its block.
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
    Map<FileMeta, SstReader> readers = new java.util.concurrent.ConcurrentHashMap<>();
    List<ParallelReads.Read> opens = new ArrayList<>();
    for (FileMeta f : byFile.keySet()) {
      SstReader open = tables.openReader(f);
      if (open != null) {
        readers.put(f, open);
      } else {
        opens.add(() -> readers.put(f, tables.reader(f))); // a tail read: in parallel with the others
      }
    }
    ParallelReads.run(opens);
    // Which block of which file each key needs; each distinct block is fetched once.
    Map<BlockOfFile, List<Integer>> byBlock = new LinkedHashMap<>();
    for (Map.Entry<FileMeta, List<Integer>> e : byFile.entrySet()) {
      SstReader reader = readers.get(e.getKey());
      for (int i : e.getValue()) {
        byte[] key = keys.get(i);
        if (e.getKey().rangeTombstoneCount() > 0) {
          tombstoneSeq[i] = Math.max(tombstoneSeq[i], coveringSeq(reader.rangeTombstones(), key));
        }
        int block = reader.blockFor(key);
        if (block >= 0) {
          byBlock.computeIfAbsent(new BlockOfFile(reader, block), b -> new ArrayList<>()).add(i);
        } else if (tombstoneSeq[i] > 0) {
          values[i] = null; // a newer range tombstone covers it and this file has no entry
        } else {
          undecided.add(i);
        }
      }
    }
    List<ParallelReads.Read> fetches = new ArrayList<>();
    for (Map.Entry<BlockOfFile, List<Integer>> e : byBlock.entrySet()) {
      BlockOfFile b = e.getKey();
      Block cached = b.reader().cachedDataBlock(b.block());
      if (cached != null) {
        lookUp(cached, e.getValue(), keys, values, tombstoneSeq, undecided); // no I/O: at once
      } else {
        fetches.add(
            () -> lookUp(b.reader().dataBlock(b.block()), e.getValue(), keys, values, tombstoneSeq, undecided));
      }
    }
    ParallelReads.run(fetches);
    undecided.sort((a, b) -> Arrays.compareUnsigned(keys.get(a), keys.get(b)));
    return undecided;
  }

  /** Looks the keys {@code indexes} up in {@code block}; those it has no entry of stay undecided. */
  private static void lookUp(
      Block block,
      List<Integer> indexes,
      List<byte[]> keys,
      byte[][] values,
      long[] tombstoneSeq,
      List<Integer> undecided)
      throws SstCorruptionException {
    for (int i : indexes) {
      Entry found = SstReader.find(block, keys.get(i));
      if (found != null || tombstoneSeq[i] > 0) {
        values[i] = visible(found, tombstoneSeq[i]);
      } else {
        synchronized (undecided) {
          undecided.add(i);
        }
      }
    }
  }

  /** A data block of an open file. */
  private record BlockOfFile(SstReader reader, int block) {}

  private byte[] get(SuperVersion sv, byte[] key) throws IOException {
    long tombstoneSeq = 0;
    List<MemTable> memTables = sv.memTables();
    for (int i = 0; i < memTables.size(); i++) { // no iterator per get
      MemTable m = memTables.get(i);
      tombstoneSeq = Math.max(tombstoneSeq, coveringSeq(m.rangeTombstones(), key));
      Entry e = m.get(key);
      if (e != null || tombstoneSeq > 0) {
        return visible(e, tombstoneSeq);
      }
    }
    List<FileMeta> level0 = sv.version.level(0);
    for (int level = 0; level < Version.LEVELS; level++) {
      // Every level-0 file, newest first; one file per deeper level. No list per get.
      int candidates = level == 0 ? level0.size() : 1;
      for (int i = 0; i < candidates; i++) {
        FileMeta f = level == 0 ? level0.get(i) : sv.version.fileFor(level, key);
        if (f == null || !f.mayHold(key)) {
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

  /** The value of the newest entry found, given the newest range tombstone covering its key. */
  private static byte[] visible(Entry e, long tombstoneSeq) {
    if (e == null || e.seq() < tombstoneSeq || e.kind() == EntryKind.DELETE) {
      return null;
    }
    return e.value();
  }

  static long coveringSeq(Collection<RangeTombstone> tombstones, byte[] key) {
    long seq = 0;
    if (tombstones.isEmpty()) {
      return seq; // no iterator for the common case
    }
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
   * At most {@code limit} visible rows with keys in [{@code start}, {@code end}) ({@code end} null:
   * unbounded), after {@code startAfter} (null: from {@code start}), in key order. {@code hasMore}
   * says rows beyond the last one may exist; continue with the last key as {@code startAfter}.
   */
  ScanPage scanRange(byte[] start, byte[] end, byte[] startAfter, int limit) throws IOException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    SuperVersion sv = versions.acquire();
    List<InternalIterator> sources = new ArrayList<>();
    List<RangeTombstone> tombstones = new ArrayList<>();
    try {
      for (MemTable m : sv.memTables()) {
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
}
