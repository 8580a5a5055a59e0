package io.aloft.engine.lsm.key;

import java.util.Arrays;

/**
 * The current entry of an iterator, read in place: the arrays are the iterator's own buffers, valid
 * until it moves, so that merging and compacting read keys and values without a copy per entry. {@link
 * #entry()} is the copy to keep.
 */
public interface EntryView {

  /** An array whose {@code [0, userKeyLength())} is the current user key. */
  byte[] keyArray();

  int userKeyLength();

  long seq();

  EntryKind kind();

  /** An array whose {@code [valueOffset(), valueOffset() + valueLength())} is the current value. */
  byte[] valueArray();

  int valueOffset();

  int valueLength();

  /** The current entry, its arrays the caller's to keep. */
  Entry entry();

  /** The two current entries in internal order: user key ascending, then sequence number descending. */
  static int compareInternal(EntryView a, EntryView b) {
    int c = Arrays.compareUnsigned(a.keyArray(), 0, a.userKeyLength(), b.keyArray(), 0, b.userKeyLength());
    return c != 0 ? c : Long.compare(b.seq(), a.seq());
  }
}
