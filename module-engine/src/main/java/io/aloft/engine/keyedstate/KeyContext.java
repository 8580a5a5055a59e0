package io.aloft.engine.keyedstate;

/**
 * The record whose key the states currently read and write: the record or timer being processed, or
 * whose callback is running. Owned by the task thread; the runtime switches it before running user
 * code or callbacks.
 */
public class KeyContext {
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

  /**
   * A view of this context for states in {@code namespace} (serialized): the same current record, with
   * row keys that carry the namespace ({@link RowKeys}).
   */
  public KeyContext inNamespace(byte[] namespace) {
    KeyContext records = this;
    return new KeyContext() {
      @Override
      public void set(CurrentRecord record) {
        throw new UnsupportedOperationException("a namespace view follows its context's record");
      }

      @Override
      public CurrentRecord current() {
        return records.current();
      }

      @Override
      public CurrentRecord currentOrNull() {
        return records.currentOrNull();
      }

      @Override
      public byte[] prefix() {
        CurrentRecord r = current();
        return RowKeys.prefix(r.keyGroup(), r.keyBytes(), namespace);
      }
    };
  }
}
