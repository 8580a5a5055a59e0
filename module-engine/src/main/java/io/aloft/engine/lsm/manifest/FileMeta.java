package io.aloft.engine.lsm.manifest;

import io.aloft.engine.lsm.sst.SstProperties;
import java.util.Arrays;
import java.util.Objects;

/**
 * One live SST file: where it is and what its properties say, so reads and compaction can choose files
 * without opening them.
 *
 * @param fileNumber unique within the tree, also the block-cache id
 * @param name the file name under the tree's primary directory
 * @param size bytes
 * @param smallestKey smallest user key (or range-tombstone start)
 * @param largestKey largest user key (or range-tombstone end)
 * @param minSeq smallest sequence number
 * @param maxSeq largest sequence number
 * @param minKeyGroup smallest key group
 * @param maxKeyGroup largest key group
 * @param entryCount point entries
 * @param rangeTombstoneCount range tombstones
 * @param visibleFirstKeyGroup the first key group of the file that reads see (see below)
 * @param visibleLastKeyGroup the last key group of the file that reads see
 *
 * <p>Visible key groups: a file written by a tree holds only what that tree serves, so all of it is
 * visible ({@link #ALL_KEY_GROUPS}). A file a tree inherits from a checkpoint part is visible only in
 * the key groups of that part: after a rescale, several instances inherit one file, each for its own
 * key groups, and the copy of a key that another instance has since overwritten must never be read
 * (it would shadow the newer version, which may sit in a deeper level of the part that owns the key).
 * Reads, scans and compactions skip entries outside the visible range; ranges within a level are
 * compared by their visible bounds, so files a restore merged from several parts never overlap.
 */
public record FileMeta(
    long fileNumber,
    String name,
    long size,
    byte[] smallestKey,
    byte[] largestKey,
    long minSeq,
    long maxSeq,
    int minKeyGroup,
    int maxKeyGroup,
    long entryCount,
    long rangeTombstoneCount,
    int visibleFirstKeyGroup,
    int visibleLastKeyGroup) {

  /** The first and last key group a two-byte key-group prefix can name. */
  public static final int FIRST_KEY_GROUP = 0;
  public static final int LAST_KEY_GROUP = 0xFFFF;

  public FileMeta {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(smallestKey, "smallestKey");
    Objects.requireNonNull(largestKey, "largestKey");
    if (visibleFirstKeyGroup < FIRST_KEY_GROUP
        || visibleLastKeyGroup > LAST_KEY_GROUP
        || visibleFirstKeyGroup > visibleLastKeyGroup) {
      throw new IllegalArgumentException(
          "visible key groups " + visibleFirstKeyGroup + ".." + visibleLastKeyGroup + " of " + name
              + " are not a range within " + FIRST_KEY_GROUP + ".." + LAST_KEY_GROUP);
    }
  }

  /** A file with every key group visible. */
  public FileMeta(
      long fileNumber,
      String name,
      long size,
      byte[] smallestKey,
      byte[] largestKey,
      long minSeq,
      long maxSeq,
      int minKeyGroup,
      int maxKeyGroup,
      long entryCount,
      long rangeTombstoneCount) {
    this(
        fileNumber, name, size, smallestKey, largestKey, minSeq, maxSeq, minKeyGroup, maxKeyGroup,
        entryCount, rangeTombstoneCount, FIRST_KEY_GROUP, LAST_KEY_GROUP);
  }

  /** The key group of a key: its first two bytes. */
  public static int keyGroupOf(byte[] key) {
    return key.length < 2 ? 0 : ((key[0] & 0xFF) << 8) | (key[1] & 0xFF);
  }

  /** Whether reads see only part of the file's key groups. */
  public boolean isClipped() {
    return visibleFirstKeyGroup > minKeyGroup || visibleLastKeyGroup < maxKeyGroup;
  }

  /** Whether reads see the entry with {@code key}. */
  public boolean isVisible(byte[] key) {
    int group = keyGroupOf(key);
    return group >= visibleFirstKeyGroup && group <= visibleLastKeyGroup;
  }

  /** This file seen only in {@code first..last} as well; null when nothing of it stays visible. */
  public FileMeta visibleOnly(int first, int last) {
    int from = Math.max(first, visibleFirstKeyGroup);
    int to = Math.min(last, visibleLastKeyGroup);
    if (from > to || from > maxKeyGroup || to < minKeyGroup) {
      return null;
    }
    return new FileMeta(
        fileNumber, name, size, smallestKey, largestKey, minSeq, maxSeq, minKeyGroup, maxKeyGroup,
        entryCount, rangeTombstoneCount, from, to);
  }

  /** The smallest key reads may see in this file: the smallest key, or the first of its visible range. */
  public byte[] visibleSmallestKey() {
    if (keyGroupOf(smallestKey) >= visibleFirstKeyGroup) {
      return smallestKey;
    }
    return new byte[] {(byte) (visibleFirstKeyGroup >>> 8), (byte) visibleFirstKeyGroup};
  }

  /** Whether every key the file shows is below {@code key}. */
  public boolean isBelow(byte[] key) {
    return Arrays.compareUnsigned(largestKey, key) < 0 || keyGroupOf(key) > visibleLastKeyGroup;
  }

  /** Whether every key the file shows is above {@code key}. */
  public boolean isAbove(byte[] key) {
    return Arrays.compareUnsigned(visibleSmallestKey(), key) > 0;
  }

  public static FileMeta of(long fileNumber, String name, SstProperties p) {
    return new FileMeta(
        fileNumber,
        name,
        p.fileSize(),
        p.smallestKey(),
        p.largestKey(),
        p.minSeq(),
        p.maxSeq(),
        p.minKeyGroup(),
        p.maxKeyGroup(),
        p.entryCount(),
        p.rangeTombstoneCount());
  }

  /** Writes this entry in the manifest's file layout (see {@link ManifestFile}). */
  public void writeTo(java.io.DataOutput out) throws java.io.IOException {
    out.writeLong(fileNumber);
    out.writeUTF(name);
    out.writeLong(size);
    out.writeInt(smallestKey.length);
    out.write(smallestKey);
    out.writeInt(largestKey.length);
    out.write(largestKey);
    out.writeLong(minSeq);
    out.writeLong(maxSeq);
    out.writeInt(minKeyGroup);
    out.writeInt(maxKeyGroup);
    out.writeLong(entryCount);
    out.writeLong(rangeTombstoneCount);
    out.writeShort(visibleFirstKeyGroup);
    out.writeShort(visibleLastKeyGroup);
  }

  /**
   * Reads an entry written by {@link #writeTo}; {@code withVisibleRange} false reads the layout before
   * visible key groups existed (every key group visible).
   */
  public static FileMeta readFrom(java.io.DataInputStream in, boolean withVisibleRange)
      throws java.io.IOException {
    long number = in.readLong();
    String name = in.readUTF();
    long size = in.readLong();
    byte[] smallest = bytes(in, "smallest key");
    byte[] largest = bytes(in, "largest key");
    long minSeq = in.readLong();
    long maxSeq = in.readLong();
    int minKeyGroup = in.readInt();
    int maxKeyGroup = in.readInt();
    long entries = in.readLong();
    long tombstones = in.readLong();
    int first = withVisibleRange ? in.readUnsignedShort() : FIRST_KEY_GROUP;
    int last = withVisibleRange ? in.readUnsignedShort() : LAST_KEY_GROUP;
    try {
      return new FileMeta(
          number, name, size, smallest, largest, minSeq, maxSeq, minKeyGroup, maxKeyGroup, entries,
          tombstones, first, last);
    } catch (IllegalArgumentException e) {
      throw new java.io.IOException(e.getMessage(), e);
    }
  }

  /** A length-prefixed byte array, its length checked against what remains before allocating. */
  private static byte[] bytes(java.io.DataInputStream in, String field) throws java.io.IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new java.io.IOException(field + " length " + length + " exceeds the " + in.available() + " bytes left");
    }
    byte[] b = new byte[length];
    in.readFully(b);
    return b;
  }

  /** Writes the files of every level: per level a count, then the files. */
  public static void writeLevels(java.io.DataOutput out, java.util.List<java.util.List<FileMeta>> levels)
      throws java.io.IOException {
    for (java.util.List<FileMeta> level : levels) {
      out.writeInt(level.size());
      for (FileMeta f : level) {
        f.writeTo(out);
      }
    }
  }

  /** Reads what {@link #writeLevels} wrote for {@link Version#LEVELS} levels; see {@link #readFrom}. */
  public static java.util.List<java.util.List<FileMeta>> readLevels(
      java.io.DataInputStream in, boolean withVisibleRange) throws java.io.IOException {
    java.util.List<java.util.List<FileMeta>> levels = new java.util.ArrayList<>();
    for (int l = 0; l < Version.LEVELS; l++) {
      int n = in.readInt();
      // Every file takes at least 60 bytes: a count that cannot fit is damage, refused before allocating.
      if (n < 0 || (long) n * 60 > in.available()) {
        throw new java.io.IOException("level " + l + " file count " + n + " cannot fit in the " + in.available() + " bytes left");
      }
      java.util.List<FileMeta> files = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        files.add(readFrom(in, withVisibleRange));
      }
      levels.add(files);
    }
    return levels;
  }

  /** The same file under another name (restored files are named by absolute location). */
  public FileMeta withName(String newName) {
    return new FileMeta(
        fileNumber, newName, size, smallestKey, largestKey, minSeq, maxSeq, minKeyGroup, maxKeyGroup,
        entryCount, rangeTombstoneCount, visibleFirstKeyGroup, visibleLastKeyGroup);
  }

  /** The same file under another number (a restore numbers the files it merges anew). */
  public FileMeta withNumber(long newNumber) {
    return new FileMeta(
        newNumber, name, size, smallestKey, largestKey, minSeq, maxSeq, minKeyGroup, maxKeyGroup,
        entryCount, rangeTombstoneCount, visibleFirstKeyGroup, visibleLastKeyGroup);
  }

  /**
   * Whether the file's visible key range intersects [start, end] (inclusive bounds; null =
   * unbounded).
   */
  public boolean overlaps(byte[] start, byte[] end) {
    return (end == null || !isAbove(end)) && (start == null || !isBelow(start));
  }

  /** Whether {@code key} lies within the file's visible key range. */
  public boolean mayHold(byte[] key) {
    return !isAbove(key) && !isBelow(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileMeta f && f.fileNumber == fileNumber;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(fileNumber);
  }

  @Override
  public String toString() {
    return name + "(" + size + " bytes, seq " + minSeq + ".." + maxSeq
        + (isClipped() ? ", key groups " + visibleFirstKeyGroup + ".." + visibleLastKeyGroup + " visible" : "")
        + ")";
  }
}
