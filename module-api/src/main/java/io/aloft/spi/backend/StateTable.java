package io.aloft.spi.backend;

import java.io.IOException;

/**
 * One state's rows in a backend: a sorted map from byte keys to byte values (one logical column family).
 * The engine turns every State V2 operation into calls on this interface, so a backend implements the
 * storage and the engine implements the semantics (null handling, reduce, aggregate, TTL) once for all.
 *
 * <p>Row keys (written by the engine, documented in {@code docs/state-layout.md}) begin with the key
 * group as two big-endian bytes, then the varint-length-prefixed serialized key and namespace, then —
 * for map states — the serialized user key. Keys compare as unsigned bytes. A backend that holds only
 * part of the key groups may assume it never sees others.
 *
 * <p>Threading: a table is used by the runtime's threads one request at a time per key; requests for
 * different keys may run concurrently, so implementations must be thread-safe.
 */
public interface StateTable {

  /** The value of {@code key}, or {@code null}. */
  byte[] get(byte[] key) throws IOException;

  /** Sets the value of {@code key}. */
  void put(byte[] key, byte[] value) throws IOException;

  /** Removes {@code key}; removing an absent key is not an error. */
  void delete(byte[] key) throws IOException;

  /**
   * Appends {@code suffix} to the value of {@code key} (creating it), as list states do. The default is a
   * read-modify-write; backends with a merge operator may do better.
   */
  default void append(byte[] key, byte[] suffix) throws IOException {
    byte[] old = get(key);
    if (old == null) {
      put(key, suffix);
      return;
    }
    byte[] merged = new byte[old.length + suffix.length];
    System.arraycopy(old, 0, merged, 0, old.length);
    System.arraycopy(suffix, 0, merged, old.length, suffix.length);
    put(key, merged);
  }

  /**
   * At most {@code limit} rows whose keys start with {@code prefix}, in key order, beginning after
   * {@code startAfter} ({@code null} to begin at the prefix).
   */
  ScanPage scan(byte[] prefix, byte[] startAfter, int limit) throws IOException;

  /** Removes every row whose key starts with {@code prefix}. */
  void deletePrefix(byte[] prefix) throws IOException;
}
