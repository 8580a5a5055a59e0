package io.aloft.engine.lsm;

import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.manifest.Version;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses what to compact next (RocksDB's {@code compaction_picker}): level 0 into level 1 once it has
 * {@code level0CompactionTrigger} files, otherwise one file of the level most over its size limit into
 * the next level, round-robin through the level's key space as LevelDB does.
 *
 * <p>Threading: called holding the version set's lock (its pointers are the compactor's).
 */
final class CompactionPicker {

  /** What one compaction reads and where it writes. */
  record Compaction(List<FileMeta> inputs, int outputLevel, boolean bottommost) {}

  private final LsmOptions options;
  private final byte[][] compactPointers = new byte[Version.LEVELS][];

  CompactionPicker(LsmOptions options) {
    this.options = options;
  }

  /** The next compaction of {@code v}, or null when no level is over its limit. */
  Compaction pick(Version v) {
    List<FileMeta> level0 = v.level(0);
    if (level0.size() >= options.level0CompactionTrigger()) {
      return withOverlap(v, level0, 1);
    }
    int best = -1;
    double bestScore = 1.0;
    for (int level = 1; level < Version.LEVELS - 1; level++) {
      double score = (double) v.levelBytes(level) / options.maxBytes(level);
      if (score > bestScore) {
        bestScore = score;
        best = level;
      }
    }
    if (best < 0) {
      return null;
    }
    List<FileMeta> files = v.level(best);
    FileMeta chosen = files.get(0);
    byte[] pointer = compactPointers[best];
    if (pointer != null) {
      for (FileMeta f : files) {
        if (Arrays.compareUnsigned(f.smallestKey(), pointer) > 0) {
          chosen = f;
          break;
        }
      }
    }
    compactPointers[best] = chosen.largestKey();
    return withOverlap(v, List.of(chosen), best + 1);
  }

  /**
   * Bytes compaction must rewrite before no level is over its limit, estimated as RocksDB's {@code
   * estimate-pending-compaction-bytes}: level 0 and level 1 in full once level 0 reaches its trigger,
   * and each deeper level's excess over its limit times the fan-out it merges into (plus itself).
   */
  static long debt(Version v, LsmOptions options) {
    long debt = 0;
    long carried = 0; // bytes pushed into a level by the compactions above it
    if (v.level(0).size() >= options.level0CompactionTrigger()) {
      carried = v.levelBytes(0);
      debt += carried + v.levelBytes(1);
    }
    for (int level = 1; level < Version.LEVELS - 1; level++) {
      long bytes = v.levelBytes(level) + carried;
      long excess = bytes - options.maxBytes(level);
      if (excess <= 0) {
        carried = 0;
        continue;
      }
      double fanOut = (double) v.levelBytes(level + 1) / Math.max(1, bytes);
      debt += (long) (excess * (fanOut + 1));
      carried = excess;
    }
    return debt;
  }

  /** Every live file into one sorted level, with the filter and clipping applied to all of it. */
  static Compaction all(Version v) {
    return new Compaction(v.allFiles(), Math.max(1, v.deepestNonEmptyLevel()), true);
  }

  private static Compaction withOverlap(Version v, List<FileMeta> upper, int outputLevel) {
    byte[] smallest = null;
    byte[] largest = null;
    for (FileMeta f : upper) {
      smallest = smallest == null || Arrays.compareUnsigned(f.smallestKey(), smallest) < 0 ? f.smallestKey() : smallest;
      largest = largest == null || Arrays.compareUnsigned(f.largestKey(), largest) > 0 ? f.largestKey() : largest;
    }
    List<FileMeta> inputs = new ArrayList<>(upper);
    inputs.addAll(v.overlapping(outputLevel, smallest, largest));
    boolean bottommost = true;
    for (int level = outputLevel + 1; level < Version.LEVELS; level++) {
      if (!v.overlapping(level, smallest, largest).isEmpty()) {
        bottommost = false;
      }
    }
    return new Compaction(inputs, outputLevel, bottommost);
  }
}
