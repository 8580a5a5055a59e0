package io.aloft.engine.lsm;

import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.engine.lsm.key.EntryView;
import io.aloft.engine.lsm.block.Coding;
import io.aloft.engine.lsm.key.RangeTombstone;
import io.aloft.engine.lsm.sst.SstProperties;
import io.aloft.engine.lsm.sst.SstReader;
import io.aloft.engine.lsm.sst.SstWriter;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.engine.progress.Progress;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

  /** Index keys sampled from each input to place the cuts of a split compaction. */
  private static final int SAMPLES_PER_FILE = 64;

  /**
   * The threads of split compactions beyond the compacting thread, shared by every tree of the JVM
   * (daemons, one per processor): a compaction's own thread also takes any part they have not started.
   */
  private static final ExecutorService SUBCOMPACTIONS =
      Executors.newFixedThreadPool(
          Runtime.getRuntime().availableProcessors(),
          r -> {
            Thread t = new Thread(r, "aloft-subcompaction");
            t.setDaemon(true);
            return t;
          });

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

  /**
   * Runs {@code pick}; returns its output files in key order, each registered as written. A compaction
   * of several target files' worth of data without range tombstones is split into key ranges of about
   * equal size, one per {@link LsmOptions#compactionThreads() compaction thread} (RocksDB's
   * subcompactions): each range is merged into its own output files, on this thread or a shared pool's.
   */
  List<FileMeta> run(CompactionPicker.Compaction pick) throws IOException {
    long inputBytes = 0;
    for (FileMeta f : pick.inputs()) {
      inputBytes += f.size();
    }
    // Logged only when it runs longer than the log interval: a large compaction. Done is measured in
    // output written against the input's size (what the merge drops makes it end below 100 %).
    Progress progress =
        Progress.start(
            "compaction of " + pick.inputs().size() + " files (" + Progress.bytes(inputBytes) + ") into level "
                + pick.outputLevel(),
            (inputBytes + options.targetFileBytes() - 1) / Math.max(1, options.targetFileBytes()),
            inputBytes);
    boolean done = false;
    try {
      List<FileMeta> outputs = run(pick, progress);
      done = true;
      return outputs;
    } finally {
      if (done) {
        progress.finish();
      } else {
        progress.fail();
      }
    }
  }

  private List<FileMeta> run(CompactionPicker.Compaction pick, Progress progress) throws IOException {
    List<RangeTombstone> tombstones = new ArrayList<>();
    for (FileMeta f : pick.inputs()) {
      tombstones.addAll(tables.reader(f).rangeTombstones());
    }
    long now = clock.millis();
    // Range tombstones are handed to output files in key order across the whole compaction, so a
    // compaction that has any stays in one piece.
    List<byte[]> cuts = tombstones.isEmpty() ? cutPoints(pick) : List.of();
    if (cuts.isEmpty()) {
      return runRange(pick, tombstones, now, null, null, progress);
    }
    List<Subcompaction> parts = new ArrayList<>();
    for (int i = 0; i <= cuts.size(); i++) {
      byte[] start = i == 0 ? null : cuts.get(i - 1);
      byte[] end = i == cuts.size() ? null : cuts.get(i);
      parts.add(new Subcompaction(() -> runRange(pick, List.of(), now, start, end, progress)));
    }
    for (int i = 1; i < parts.size(); i++) {
      SUBCOMPACTIONS.execute(parts.get(i));
    }
    // This thread takes every part no pool thread has started, so a busy pool delays nothing.
    for (Subcompaction part : parts) {
      part.run();
    }
    List<FileMeta> outputs = new ArrayList<>();
    Throwable failure = null;
    for (Subcompaction part : parts) {
      try {
        outputs.addAll(part.result.join());
      } catch (java.util.concurrent.CompletionException e) {
        failure = failure == null ? e.getCause() : failure;
      }
    }
    if (failure != null) {
      if (failure instanceof IOException io) {
        throw io;
      }
      if (failure instanceof RuntimeException re) {
        throw re;
      }
      if (failure instanceof Error error) {
        throw error;
      }
      throw new IOException("a subcompaction failed", failure);
    }
    return outputs;
  }

  /**
   * Where to cut {@code pick}'s key range: up to {@code compactionThreads - 1} user keys splitting its
   * input bytes into parts of about equal size, none when it is too small to be worth splitting (under
   * two target files).
   */
  private List<byte[]> cutPoints(CompactionPicker.Compaction pick) throws IOException {
    long total = 0;
    for (FileMeta f : pick.inputs()) {
      total += f.size();
    }
    int parts = (int) Math.min(options.compactionThreads(), total / Math.max(1, options.targetFileBytes()));
    if (parts < 2) {
      return List.of();
    }
    // Each input contributes evenly spaced index keys, each standing for an equal share of its bytes.
    record Sample(byte[] key, double bytes) {}
    List<Sample> samples = new ArrayList<>();
    for (FileMeta f : pick.inputs()) {
      List<byte[]> keys = tables.reader(f).sampleKeys(SAMPLES_PER_FILE);
      for (byte[] key : keys) {
        samples.add(new Sample(key, (double) f.size() / (keys.size() + 1)));
      }
    }
    samples.sort((x, y) -> Arrays.compareUnsigned(x.key(), y.key()));
    List<byte[]> cuts = new ArrayList<>();
    double seen = 0;
    for (Sample sample : samples) {
      seen += sample.bytes();
      if (seen >= (double) total * (cuts.size() + 1) / parts
          && (cuts.isEmpty() || Arrays.compareUnsigned(cuts.get(cuts.size() - 1), sample.key()) < 0)) {
        cuts.add(sample.key());
        if (cuts.size() == parts - 1) {
          break;
        }
      }
    }
    return cuts;
  }

  /**
   * Merges the entries of {@code pick} with user keys in {@code [start, end)} (null: unbounded) into
   * new files; {@code tombstones}, the inputs' range tombstones, only for an unsplit compaction.
   */
  private List<FileMeta> runRange(
      CompactionPicker.Compaction pick, List<RangeTombstone> tombstones, long now, byte[] start, byte[] end,
      Progress progress)
      throws IOException {
    List<InternalIterator> sources = new ArrayList<>();
    for (FileMeta f : pick.inputs()) {
      sources.add(SstFileIterator.of(f, tables.reader(f).sequentialIterator(READAHEAD_BYTES)));
    }
    OutputFiles out = new OutputFiles(pick.outputLevel(), progress);
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
    // Entries are read in place (EntryView) and copied once, into the output block: an entry is
    // materialised only when a range tombstone or the compaction filter needs its arrays.
    byte[] previous = new byte[64];
    int previousLength = -1;
    try (MergingIterator it = new MergingIterator(sources)) {
      it.seek(start);
      for (; it.valid(); it.next()) {
        byte[] key = it.keyArray();
        int keyLength = it.userKeyLength();
        if (previousLength >= 0 && Arrays.equals(previous, 0, previousLength, key, 0, keyLength)) {
          continue; // an older version: no snapshots need it
        }
        if (end != null && Arrays.compareUnsigned(key, 0, keyLength, end, 0, end.length) >= 0) {
          break;
        }
        if (previous.length < keyLength) {
          previous = new byte[Math.max(keyLength, 2 * previous.length)];
        }
        System.arraycopy(key, 0, previous, 0, keyLength);
        previousLength = keyLength;
        if (clip != null && !clip.contains(Coding.keyGroup(key, keyLength))) {
          continue;
        }
        if (!tombstones.isEmpty() && ReadPath.coveringSeq(tombstones, Arrays.copyOf(key, keyLength)) > it.seq()) {
          continue;
        }
        EntryKind kind = it.kind();
        if (kind == EntryKind.PUT && filter.mayChange(key, keyLength)) {
          Entry e = it.entry();
          byte[] value = filter.filter(e.userKey(), e.value(), now);
          if (value == null) {
            // Expired: older versions may sit deeper, so a tombstone must hide them until the bottom.
            if (!pick.bottommost()) {
              out.add(new Entry(e.userKey(), e.seq(), EntryKind.DELETE, new byte[0]));
            }
          } else {
            out.add(value == e.value() ? it : new Entry(e.userKey(), e.seq(), EntryKind.PUT, value));
          }
        } else if (kind == EntryKind.PUT || !pick.bottommost()) {
          out.add(it); // a tombstone at the bottom is dropped: nothing older remains for it to hide
        }
      }
    }
    return out.finish();
  }

  /** One key range of a split compaction: run once, by whichever thread takes it first. */
  private static final class Subcompaction implements Runnable {
    private final IOCallable<List<FileMeta>> work;
    private final java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
    final CompletableFuture<List<FileMeta>> result = new CompletableFuture<>();

    Subcompaction(IOCallable<List<FileMeta>> work) {
      this.work = work;
    }

    @Override
    public void run() {
      if (!taken.compareAndSet(false, true)) {
        return;
      }
      try {
        result.complete(work.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }
  }

  @FunctionalInterface
  private interface IOCallable<T> {
    T call() throws IOException;
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
    final Progress progress;

    OutputFiles(int level, Progress progress) {
      this.level = level;
      this.progress = progress;
    }

    void add(EntryView e) throws IOException {
      byte[] key = e.keyArray();
      int keyLength = e.userKeyLength();
      assignTombstonesBefore(key, keyLength);
      if (file != null
          && file.writer().estimatedSize() >= options.targetFileBytes()
          && (maxTombstoneEnd == null || Arrays.compareUnsigned(maxTombstoneEnd, 0, maxTombstoneEnd.length, key, 0, keyLength) < 0)) {
        finishFile();
      }
      open();
      file.writer().add(e);
    }

    /** Hands the writer the tombstones that start before key {@code key[0..keyLength)} (all: null). */
    private void assignTombstonesBefore(byte[] key, int keyLength) throws IOException {
      while (nextTombstone < pendingTombstones.size()
          && (key == null
              || Arrays.compareUnsigned(pendingTombstones.get(nextTombstone).start(), 0,
                      pendingTombstones.get(nextTombstone).start().length, key, 0, keyLength) < 0)) {
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
      progress.advance(1, p.fileSize());
      FileMeta meta = FileMeta.of(file.number(), file.name(), p);
      versions.written(meta);
      files.add(meta);
      file = null;
    }

    List<FileMeta> finish() throws IOException {
      try {
        assignTombstonesBefore(null, 0);
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
