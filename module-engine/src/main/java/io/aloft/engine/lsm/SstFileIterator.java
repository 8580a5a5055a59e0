package io.aloft.engine.lsm;

import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.sst.SstIterator;
import java.io.IOException;

/**
 * An SST file as an {@link InternalIterator}; of a file with only some key groups visible (see {@link
 * FileMeta}), only the entries of those.
 */
class SstFileIterator implements InternalIterator, ForwardingEntryView {
  final SstIterator it;

  SstFileIterator(SstIterator it) {
    this.it = it;
  }

  /** The entries of {@code file} that reads see, from {@code it}, an iterator over all of it. */
  static SstFileIterator of(FileMeta file, SstIterator it) {
    return file.isClipped() ? new Visible(it, file) : new SstFileIterator(it);
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
  public io.aloft.engine.lsm.key.EntryView current() {
    return it;
  }

  @Override
  public void next() throws IOException {
    it.next();
  }








  /** Only the visible key groups: seeks start at the first, iteration ends after the last. */
  private static final class Visible extends SstFileIterator {
    private final FileMeta file;
    private final byte[] first;

    Visible(SstIterator it, FileMeta file) {
      super(it);
      this.file = file;
      this.first = new byte[] {(byte) (file.visibleFirstKeyGroup() >>> 8), (byte) file.visibleFirstKeyGroup()};
    }

    @Override
    public void seek(byte[] userKey) throws IOException {
      it.seek(userKey == null || java.util.Arrays.compareUnsigned(userKey, first) < 0 ? first : userKey);
    }

    @Override
    public boolean valid() {
      return it.valid() && io.aloft.engine.lsm.block.Coding.keyGroup(it.keyArray(), it.userKeyLength()) <= file.visibleLastKeyGroup();
    }
  }

  @Override
  public void close() throws IOException {
    it.close();
  }
}
