package io.aloft.engine.lsm;

import io.aloft.engine.lsm.key.Entry;

import io.aloft.engine.lsm.manifest.FileMeta;
import java.io.IOException;
import java.util.List;

/**
 * The files of one sorted level (1+) as one {@link InternalIterator}: opens a file only when iteration
 * reaches it, so a short scan touches one file.
 */
final class LevelIterator implements InternalIterator, ForwardingEntryView {
  private final List<FileMeta> files;
  private final TableCache tables;
  private int index;
  private InternalIterator current;

  LevelIterator(List<FileMeta> files, TableCache tables) {
    this.files = files;
    this.tables = tables;
  }

  @Override
  public void seek(byte[] userKey) throws IOException {
    index = 0;
    if (userKey != null) {
      while (index < files.size() && files.get(index).isBelow(userKey)) {
        index++;
      }
    }
    open(userKey);
  }

  private void open(byte[] userKey) throws IOException {
    closeCurrent();
    while (index < files.size()) {
      current = SstFileIterator.of(files.get(index), tables.reader(files.get(index)).iterator());
      current.seek(userKey);
      if (current.valid()) {
        return;
      }
      closeCurrent();
      index++;
      userKey = null;
    }
  }

  @Override
  public boolean valid() {
    return current != null && current.valid();
  }

  @Override
  public io.aloft.engine.lsm.key.Entry entry() {
    return current.entry();
  }

  @Override
  public io.aloft.engine.lsm.key.EntryView current() {
    return current;
  }








  @Override
  public void next() throws IOException {
    current.next();
    if (!current.valid()) {
      index++;
      open(null);
    }
  }

  private void closeCurrent() throws IOException {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  @Override
  public void close() throws IOException {
    closeCurrent();
  }
}
