package io.aloft.engine.async;

import io.aloft.engine.state.CurrentRecord;

/**
 * A record (or timer) in flight: its key, and how many pieces of its work are unfinished — the
 * processing call itself and each state request it (or its callbacks) issued. When the count drops to
 * zero the record is done and the next record of its key may start. Task thread only.
 */
final class RecordContext {
  final CurrentRecord record;
  final ByteKey key;
  private int pending;

  RecordContext(CurrentRecord record) {
    this.record = record;
    this.key = new ByteKey(record.keyBytes());
  }

  void retain() {
    pending++;
  }

  /** Returns true when this release finished the record. */
  boolean release() {
    if (pending <= 0) {
      throw new IllegalStateException("record context released more often than retained");
    }
    return --pending == 0;
  }
}
