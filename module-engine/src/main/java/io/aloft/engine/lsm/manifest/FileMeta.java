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
    long rangeTombstoneCount) {

  public FileMeta {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(smallestKey, "smallestKey");
    Objects.requireNonNull(largestKey, "largestKey");
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
  }

  /** Reads an entry written by {@link #writeTo}. */
  public static FileMeta readFrom(java.io.DataInput in) throws java.io.IOException {
    long number = in.readLong();
    String name = in.readUTF();
    long size = in.readLong();
    byte[] smallest = new byte[in.readInt()];
    in.readFully(smallest);
    byte[] largest = new byte[in.readInt()];
    in.readFully(largest);
    return new FileMeta(
        number, name, size, smallest, largest, in.readLong(), in.readLong(), in.readInt(), in.readInt(),
        in.readLong(), in.readLong());
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

  /** Reads what {@link #writeLevels} wrote for {@link Version#LEVELS} levels. */
  public static java.util.List<java.util.List<FileMeta>> readLevels(java.io.DataInput in)
      throws java.io.IOException {
    java.util.List<java.util.List<FileMeta>> levels = new java.util.ArrayList<>();
    for (int l = 0; l < Version.LEVELS; l++) {
      int n = in.readInt();
      java.util.List<FileMeta> files = new java.util.ArrayList<>(Math.min(n, 1 << 16));
      for (int i = 0; i < n; i++) {
        files.add(readFrom(in));
      }
      levels.add(files);
    }
    return levels;
  }

  /** The same file under another name (restored files are named by absolute location). */
  public FileMeta withName(String newName) {
    return new FileMeta(
        fileNumber, newName, size, smallestKey, largestKey, minSeq, maxSeq, minKeyGroup, maxKeyGroup,
        entryCount, rangeTombstoneCount);
  }

  /** Whether the file's key range intersects [start, end] (inclusive bounds; null = unbounded). */
  public boolean overlaps(byte[] start, byte[] end) {
    return (end == null || Arrays.compareUnsigned(smallestKey, end) <= 0)
        && (start == null || Arrays.compareUnsigned(largestKey, start) >= 0);
  }

  /** Whether {@code key} lies within the file's key range. */
  public boolean mayHold(byte[] key) {
    return Arrays.compareUnsigned(smallestKey, key) <= 0 && Arrays.compareUnsigned(key, largestKey) <= 0;
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
    return name + "(" + size + " bytes, seq " + minSeq + ".." + maxSeq + ")";
  }
}
