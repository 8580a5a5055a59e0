package io.aloft.engine.lsm;

import io.aloft.engine.lsm.key.Entry;
import java.io.Closeable;
import java.io.IOException;

/** Walks entries in internal order (user key ascending, newest first): a memtable, a file, a level. */
interface InternalIterator extends Closeable {
  /** Positions at the first entry whose user key is {@code >= userKey}. */
  void seek(byte[] userKey) throws IOException;

  boolean valid();

  Entry entry();

  void next() throws IOException;

  @Override
  default void close() throws IOException {}
}
