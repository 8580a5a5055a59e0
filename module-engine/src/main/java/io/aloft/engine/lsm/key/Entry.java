package io.aloft.engine.lsm.key;


import java.util.Arrays;
import java.util.Objects;

/**
 * One version of one key in the LSM: the user key, the sequence number that orders versions (newer is
 * larger, in {@code [0, 2^56)}), what the version does, and its value (empty for {@link EntryKind#DELETE}).
 *
 * <p>The internal order of entries is the user key ascending as unsigned bytes, then the sequence number
 * descending, so that the newest version of a key comes first. Arrays are not copied: callers must not
 * modify them after handing them over. Equality compares the contents of the arrays.
 *
 * @param userKey the key, whose first two bytes are its key group (big-endian)
 * @param seq the sequence number
 * @param kind put or delete
 * @param value the value; a null value of a delete is taken as empty
 */
public record Entry(byte[] userKey, long seq, EntryKind kind, byte[] value) implements EntryView {

  private static final byte[] EMPTY = new byte[0];

  public Entry {
    Objects.requireNonNull(userKey, "userKey");
    Objects.requireNonNull(kind, "kind");
    if (value == null && kind == EntryKind.DELETE) {
      value = EMPTY;
    }
    Objects.requireNonNull(value, "value");
  }

  @Override
  public byte[] keyArray() {
    return userKey;
  }

  @Override
  public int userKeyLength() {
    return userKey.length;
  }

  @Override
  public byte[] valueArray() {
    return value;
  }

  @Override
  public int valueOffset() {
    return 0;
  }

  @Override
  public int valueLength() {
    return value.length;
  }

  /** This entry itself: it is immutable (its arrays are not copied, as everywhere). */
  @Override
  public Entry entry() {
    return this;
  }

  /** A put of {@code value} under {@code userKey}. */
  public static Entry put(byte[] userKey, long seq, byte[] value) {
    return new Entry(userKey, seq, EntryKind.PUT, value);
  }

  /** A point tombstone for {@code userKey}. */
  public static Entry delete(byte[] userKey, long seq) {
    return new Entry(userKey, seq, EntryKind.DELETE, EMPTY);
  }

  /**
   * Compares two entries in the internal order: user key ascending (unsigned), then sequence number
   * descending. Entries of one key and one sequence number compare equal whatever their kinds.
   */
  public static int compareInternal(Entry a, Entry b) {
    int byKey = Arrays.compareUnsigned(a.userKey, b.userKey);
    return byKey != 0 ? byKey : Long.compare(b.seq, a.seq);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry other
        && seq == other.seq
        && kind == other.kind
        && Arrays.equals(userKey, other.userKey)
        && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(userKey), seq, kind, Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return kind == EntryKind.DELETE
        ? "Entry[" + InternalKey.describe(userKey) + "@" + seq + " DELETE]"
        : "Entry[" + InternalKey.describe(userKey) + "@" + seq + " PUT " + InternalKey.describe(value) + "]";
  }
}
