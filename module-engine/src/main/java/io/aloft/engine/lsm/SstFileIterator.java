package io.aloft.engine.lsm;

import io.aloft.engine.lsm.sst.Entry;
import io.aloft.engine.lsm.sst.SstIterator;
import java.io.IOException;

/** An SST file as an {@link InternalIterator}. */
final class SstFileIterator implements InternalIterator {
  private final SstIterator it;

  SstFileIterator(SstIterator it) {
    this.it = it;
  }

  @Override
  public void seek(byte[] userKey) throws IOException {
    if (userKey == null) {
      it.seekToFirst();
    } else {
      it.seek(userKey);
    }
  }

  @Override
  public boolean valid() {
    return it.valid();
  }

  @Override
  public Entry entry() {
    return it.entry();
  }

  @Override
  public void next() throws IOException {
    it.next();
  }

  @Override
  public void close() throws IOException {
    it.close();
  }
}
