package io.aloft.engine.lsm;

import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.engine.lsm.key.RangeTombstone;
import io.aloft.engine.lsm.sst.SstProperties;
import io.aloft.engine.lsm.sst.SstReader;
import io.aloft.engine.lsm.sst.SstWriter;
import io.aloft.spi.backend.KeyGroupRange;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Does one compaction (RocksDB's {@code compaction_job}): merges the inputs, keeping the newest visible
 * version of each key, applying the {@link CompactionFilter} (TTL) and dropping keys outside the tree's
 * key groups, into files of the output level. Reads its inputs front to back in large runs.
 */
final class CompactionJob {
  /**
   * Bytes of consecutive data blocks a compaction reads from an input file with one request, as
   * RocksDB's {@code compaction_readahead_size} (2 MiB there too): on a store with milliseconds per
   * request, block-sized reads would make compaction fall behind the writes.
   */
  static final int READAHEAD_BYTES = 2 << 20;

  private final VersionSet versions;
  private final TableCache tables;
  private final LsmOptions options;
  private final CompactionFilter filter;
  private final KeyGroupRange clip;
  private final InstantSource clock;
  private final AtomicLong bytesCompacted = new AtomicLong();

  CompactionJob(
      VersionSet versions,
      TableCache tables,
      LsmOptions options,
      CompactionFilter filter,
      KeyGroupRange clip,
      InstantSource clock) {
    this.versions = versions;
    this.tables = tables;
    this.options = options;
    this.filter = filter;
    this.clip = clip;
    this.clock = clock;
  }

  /** Runs {@code pick}; returns its output files, each registered as written. */
  List<FileMeta> run(CompactionPicker.Compaction pick) throws IOException {
    List<InternalIterator> sources = new ArrayList<>();
    List<RangeTombstone> tombstones = new ArrayList<>();
    for (FileMeta f : pick.inputs()) {
      SstReader reader = tables.reader(f);
      sources.add(SstFileIterator.of(f, reader.sequentialIterator(READAHEAD_BYTES)));
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
        if (ReadPath.coveringSeq(tombstones, e.userKey()) > e.seq()) {
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

  long bytesCompacted() {
    return bytesCompacted.get();
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
    VersionSet.NewFile file;

    OutputFiles(int level) {
      this.level = level;
    }

    void add(Entry e) throws IOException {
      assignTombstonesBefore(e.userKey());
      if (file != null
          && file.writer().estimatedSize() >= options.targetFileBytes()
          && (maxTombstoneEnd == null || Arrays.compareUnsigned(maxTombstoneEnd, e.userKey()) < 0)) {
        finishFile();
      }
      open();
      file.writer().add(e);
    }

    private void assignTombstonesBefore(byte[] key) throws IOException {
      while (nextTombstone < pendingTombstones.size()
          && (key == null
              || Arrays.compareUnsigned(pendingTombstones.get(nextTombstone).start(), key) < 0)) {
        RangeTombstone t = pendingTombstones.get(nextTombstone++);
        open();
        file.writer().addRangeTombstone(t);
        if (maxTombstoneEnd == null || Arrays.compareUnsigned(t.end(), maxTombstoneEnd) > 0) {
          maxTombstoneEnd = t.end();
        }
      }
    }

    private void open() throws IOException {
      if (file == null) {
        file = versions.newFile(level);
      }
    }

    private void finishFile() throws IOException {
      SstWriter writer = file.writer();
      SstProperties p = writer.finish();
      writer.close();
      bytesCompacted.addAndGet(p.fileSize());
      FileMeta meta = FileMeta.of(file.number(), file.name(), p);
      versions.written(meta);
      files.add(meta);
      file = null;
    }

    List<FileMeta> finish() throws IOException {
      try {
        assignTombstonesBefore(null);
        if (file != null) {
          finishFile();
        }
        return files;
      } catch (IOException | RuntimeException e) {
        if (file != null) {
          file.writer().close(); // aborts the unfinished file
        }
        throw e;
      }
    }
  }
}
