package io.aloft.engine.state;

/**
 * The key whose state the states currently read and write: the key of the record or timer being
 * processed. Owned by the task thread; the runtime sets it before calling user code.
 */
public final class KeyContext {
  private Object key;
  private byte[] prefix;

  public void set(Object key, byte[] keyBytes, int keyGroup) {
    this.key = key;
    this.prefix = RowKeys.prefix(keyGroup, keyBytes);
  }

  /** The current key. */
  public Object key() {
    if (key == null) {
      throw new IllegalStateException(
          "no current key: state is only accessible while processing a record or a timer");
    }
    return key;
  }

  /** The row key (or map row prefix) of the current key. */
  public byte[] prefix() {
    key();
    return prefix;
  }
}
