package io.aloft.engine.lsm;

import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.engine.lsm.key.EntryView;

/** An iterator whose current entry is another view's: its {@link #current()} source's, read in place. */
interface ForwardingEntryView extends EntryView {

  /** The view the current entry is read from. */
  EntryView current();

  @Override
  default byte[] keyArray() {
    return current().keyArray();
  }

  @Override
  default int userKeyLength() {
    return current().userKeyLength();
  }

  @Override
  default long seq() {
    return current().seq();
  }

  @Override
  default EntryKind kind() {
    return current().kind();
  }

  @Override
  default byte[] valueArray() {
    return current().valueArray();
  }

  @Override
  default int valueOffset() {
    return current().valueOffset();
  }

  @Override
  default int valueLength() {
    return current().valueLength();
  }
}
