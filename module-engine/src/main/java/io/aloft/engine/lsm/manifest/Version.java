package io.aloft.engine.lsm.manifest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable set of live files by level. Level 0 files may overlap and are ordered newest first;
 * every deeper level is sorted by key and its files do not overlap.
 */
public final class Version {
  public static final int LEVELS = 7;

  private static final Comparator<FileMeta> BY_KEY =
      (a, b) -> Arrays.compareUnsigned(a.visibleSmallestKey(), b.visibleSmallestKey());
  private static final Comparator<FileMeta> NEWEST_FIRST =
      Comparator.comparingLong(FileMeta::maxSeq).reversed();

  private final List<List<FileMeta>> levels;

  public Version(List<List<FileMeta>> levels) {
    if (levels.size() != LEVELS) {
      throw new IllegalArgumentException("a version has " + LEVELS + " levels, not " + levels.size());
    }
    List<List<FileMeta>> sorted = new ArrayList<>(LEVELS);
    for (int i = 0; i < LEVELS; i++) {
      List<FileMeta> files = new ArrayList<>(levels.get(i));
      files.sort(i == 0 ? NEWEST_FIRST : BY_KEY);
      sorted.add(List.copyOf(files));
    }
    this.levels = List.copyOf(sorted);
  }

  public static Version empty() {
    List<List<FileMeta>> levels = new ArrayList<>();
    for (int i = 0; i < LEVELS; i++) {
      levels.add(List.of());
    }
    return new Version(levels);
  }

  public List<FileMeta> level(int level) {
    return levels.get(level);
  }

  public List<List<FileMeta>> levels() {
    return levels;
  }

  public long levelBytes(int level) {
    return levels.get(level).stream().mapToLong(FileMeta::size).sum();
  }

  public List<FileMeta> allFiles() {
    List<FileMeta> all = new ArrayList<>();
    levels.forEach(all::addAll);
    return all;
  }

  /** The files of {@code level} whose ranges intersect [start, end]. */
  public List<FileMeta> overlapping(int level, byte[] start, byte[] end) {
    List<FileMeta> result = new ArrayList<>();
    for (FileMeta f : levels.get(level)) {
      if (f.overlaps(start, end)) {
        result.add(f);
      }
    }
    return result;
  }

  /** The file of a sorted level (1+) that may hold {@code key}, or null. */
  public FileMeta fileFor(int level, byte[] key) {
    List<FileMeta> files = levels.get(level);
    int lo = 0;
    int hi = files.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      FileMeta f = files.get(mid);
      if (f.isBelow(key)) {
        lo = mid + 1;
      } else if (f.isAbove(key)) {
        hi = mid - 1;
      } else {
        return f;
      }
    }
    return null;
  }

  /** A new version with {@code removed} taken out and {@code added} put into {@code level}. */
  public Version edit(List<FileMeta> removed, int level, List<FileMeta> added) {
    List<List<FileMeta>> next = new ArrayList<>(LEVELS);
    for (int i = 0; i < LEVELS; i++) {
      List<FileMeta> files = new ArrayList<>(levels.get(i));
      files.removeAll(removed);
      if (i == level) {
        files.addAll(added);
      }
      next.add(files);
    }
    return new Version(next);
  }

  /** The deepest level holding a file, or -1. */
  public int deepestNonEmptyLevel() {
    for (int i = LEVELS - 1; i >= 0; i--) {
      if (!levels.get(i).isEmpty()) {
        return i;
      }
    }
    return -1;
  }
}
