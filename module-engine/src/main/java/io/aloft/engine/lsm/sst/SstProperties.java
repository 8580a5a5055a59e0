package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.key.InternalKey;


import java.util.Arrays;
import java.util.Objects;

/**
 * What an SST file holds, as recorded in its properties block (and, for the format version and the file
 * size, its footer). Returned by {@link SstWriter#finish()} and {@link SstReader#properties()}; the two
 * are equal for one file. Arrays are shared, not copied: do not modify them.
 *
 * @param formatVersion the file's format version (see {@code docs/format.md})
 * @param fileSize the file's length in bytes
 * @param smallestKey the smallest user key of an entry or range-tombstone start
 * @param largestKey the largest user key of an entry or range-tombstone end (an end is exclusive, so the
 *     file affects keys up to, but not including, a largest key that came from a tombstone)
 * @param entryCount point entries, puts and deletes
 * @param tombstoneCount point entries that are deletes
 * @param rangeTombstoneCount range tombstones
 * @param minKeyGroup smallest key group of an entry or a range tombstone (keys shorter than two bytes
 *     count as padded with zero bytes)
 * @param maxKeyGroup largest key group of an entry or of a key a range tombstone deletes
 * @param minSeq smallest sequence number of an entry or range tombstone
 * @param maxSeq largest sequence number of an entry or range tombstone
 * @param dataBlockCount data blocks
 * @param rawKeyBytes total length of the entries' user keys, before prefix compression
 * @param rawValueBytes total length of the entries' values, before compression
 */
public record SstProperties(
    int formatVersion,
    long fileSize,
    byte[] smallestKey,
    byte[] largestKey,
    long entryCount,
    long tombstoneCount,
    long rangeTombstoneCount,
    int minKeyGroup,
    int maxKeyGroup,
    long minSeq,
    long maxSeq,
    long dataBlockCount,
    long rawKeyBytes,
    long rawValueBytes) {

  public SstProperties {
    Objects.requireNonNull(smallestKey, "smallestKey");
    Objects.requireNonNull(largestKey, "largestKey");
  }

  /** These properties with the file facts that live in the footer rather than the properties block. */
  SstProperties withFileFacts(int newFormatVersion, long newFileSize) {
    return new SstProperties(
        newFormatVersion, newFileSize, smallestKey, largestKey, entryCount, tombstoneCount,
        rangeTombstoneCount, minKeyGroup, maxKeyGroup, minSeq, maxSeq, dataBlockCount, rawKeyBytes,
        rawValueBytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SstProperties p
        && formatVersion == p.formatVersion
        && fileSize == p.fileSize
        && Arrays.equals(smallestKey, p.smallestKey)
        && Arrays.equals(largestKey, p.largestKey)
        && entryCount == p.entryCount
        && tombstoneCount == p.tombstoneCount
        && rangeTombstoneCount == p.rangeTombstoneCount
        && minKeyGroup == p.minKeyGroup
        && maxKeyGroup == p.maxKeyGroup
        && minSeq == p.minSeq
        && maxSeq == p.maxSeq
        && dataBlockCount == p.dataBlockCount
        && rawKeyBytes == p.rawKeyBytes
        && rawValueBytes == p.rawValueBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        formatVersion, fileSize, Arrays.hashCode(smallestKey), Arrays.hashCode(largestKey), entryCount,
        tombstoneCount, rangeTombstoneCount, minKeyGroup, maxKeyGroup, minSeq, maxSeq, dataBlockCount,
        rawKeyBytes, rawValueBytes);
  }

  @Override
  public String toString() {
    return "SstProperties[formatVersion=" + formatVersion
        + ", fileSize=" + fileSize
        + ", smallestKey=" + InternalKey.describe(smallestKey)
        + ", largestKey=" + InternalKey.describe(largestKey)
        + ", entryCount=" + entryCount
        + ", tombstoneCount=" + tombstoneCount
        + ", rangeTombstoneCount=" + rangeTombstoneCount
        + ", keyGroups=[" + minKeyGroup + ", " + maxKeyGroup + "]"
        + ", seqs=[" + minSeq + ", " + maxSeq + "]"
        + ", dataBlockCount=" + dataBlockCount
        + ", rawKeyBytes=" + rawKeyBytes
        + ", rawValueBytes=" + rawValueBytes + "]";
  }
}
