package io.aloft.engine.lsm;

import io.aloft.engine.lsm.memtable.MemTable;
import io.aloft.engine.lsm.key.Entry;
import java.util.Iterator;

/** A memtable as an {@link InternalIterator}. */
final class MemTableIterator implements InternalIterator, ForwardingEntryView {
  private final MemTable memTable;
  private Iterator<Entry> it;
  private Entry current;

  MemTableIterator(MemTable memTable) {
    this.memTable = memTable;
  }

  @Override
  public void seek(byte[] userKey) {
    it = memTable.iterator(userKey);
    next();
  }

  @Override
  public boolean valid() {
    return current != null;
  }

  @Override
  public Entry entry() {
    return current;
  }

  @Override
  public Entry current() {
    return current;
  }








  @Override
  public void next() {
    current = it.hasNext() ? it.next() : null;
  }
}
