package io.aloft.engine.async;

import java.util.Arrays;

/** A byte array with value equality, for hash maps keyed by serialized keys. */
record ByteKey(byte[] bytes, int hash) {
  ByteKey(byte[] bytes) {
    this(bytes, Arrays.hashCode(bytes));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
