package io.aloft.engine.lsm;

import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryView;
import java.io.Closeable;
import java.io.IOException;

/** Walks entries in internal order (user key ascending, newest first): a memtable, a file, a level. */
interface InternalIterator extends EntryView, Closeable {
  /** Positions at the first entry whose user key is {@code >= userKey}. */
  void seek(byte[] userKey) throws IOException;

  boolean valid();

  /** The current entry, its arrays the caller's to keep; read it in place through {@link EntryView}. */
  @Override
  Entry entry();

  void next() throws IOException;

  @Override
  default void close() throws IOException {}
}
