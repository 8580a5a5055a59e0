package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryView;

import java.io.Closeable;
import java.io.IOException;

/**
 * Walks the entries of one SST file in internal order (user key ascending, then seq descending). Not
 * positioned until {@link #seekToFirst()} or {@link #seek(byte[])}; does no I/O until then. Owned by one
 * thread; many iterators of one reader may run at once. Closing releases the current block; further use
 * is an error.
 */
public interface SstIterator extends EntryView, Closeable {

  /** Positions at the first entry of the file (invalid if the file has none). */
  void seekToFirst() throws IOException;

  /** Positions at the first entry whose user key is at least {@code userKey}, whatever its seq. */
  void seek(byte[] userKey) throws IOException;

  /** Whether the iterator is at an entry. */
  boolean valid();

  /**
   * The current entry; arrays are fresh copies the caller may keep.
   *
   * @throws IllegalStateException if not {@link #valid()}
   */
  @Override
  Entry entry();

  /**
   * Moves to the next entry, possibly in the next data block.
   *
   * @throws IllegalStateException if not {@link #valid()}
   */
  void next() throws IOException;
}
