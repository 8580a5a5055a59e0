package io.aloft.engine.keyedstate;

/**
 * The record whose key the states currently read and write: the record or timer being processed, or
 * whose callback is running. Owned by the task thread; the runtime switches it before running user
 * code or callbacks.
 */
public final class KeyContext {
  private CurrentRecord current;

  public void set(CurrentRecord record) {
    this.current = record;
  }

  /** The current record; fails outside record and timer processing. */
  public CurrentRecord current() {
    if (current == null) {
      throw new IllegalStateException(
          "no current key: state is only accessible while processing a record or a timer");
    }
    return current;
  }

  /** The current record, or null. */
  public CurrentRecord currentOrNull() {
    return current;
  }

  /** The current key. */
  public Object key() {
    return current().key();
  }

  /** The row key (or map row prefix) of the current key. */
  public byte[] prefix() {
    return current().prefix();
  }
}
