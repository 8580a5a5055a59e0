package io.aloft.engine.lsm.key;


import java.util.Arrays;
import java.util.Objects;

/**
 * Deletes every entry whose user key is in {@code [start, end)} (unsigned byte order) and whose sequence
 * number is smaller than {@code seq}. An SST file only stores range tombstones; the LSM applies them.
 * Arrays are not copied; equality compares their contents.
 *
 * @param start the first key deleted
 * @param end the first key after the range, greater than {@code start}
 * @param seq the sequence number of the deletion
 */
public record RangeTombstone(byte[] start, byte[] end, long seq) {

  public RangeTombstone {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
  }

  /** Whether this tombstone deletes a version of {@code userKey} with sequence number {@code entrySeq}. */
  public boolean covers(byte[] userKey, long entrySeq) {
    return entrySeq < seq
        && Arrays.compareUnsigned(start, userKey) <= 0
        && Arrays.compareUnsigned(userKey, end) < 0;
  }

  /** The order tombstones are stored and returned in: start ascending, then seq descending, then end. */
  public static int compareStored(RangeTombstone a, RangeTombstone b) {
    int c = Arrays.compareUnsigned(a.start, b.start);
    if (c == 0) {
      c = Long.compare(b.seq, a.seq);
    }
    return c != 0 ? c : Arrays.compareUnsigned(a.end, b.end);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RangeTombstone other
        && seq == other.seq
        && Arrays.equals(start, other.start)
        && Arrays.equals(end, other.end);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(start), Arrays.hashCode(end), seq);
  }

  @Override
  public String toString() {
    return "RangeTombstone[" + InternalKey.describe(start) + ", " + InternalKey.describe(end) + ")@" + seq;
  }
}
