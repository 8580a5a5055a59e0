package io.aloft.state;

import java.util.Iterator;
import java.util.Map;

/**
 * A map per key. User keys must not be null; putting a null value removes the entry. Iteration order
 * is the order of the serialized user keys (unsigned lexicographic), the same on every backend.
 *
 * @param <UK> user key type
 * @param <UV> user value type
 */
public interface MapState<UK, UV> extends State {

  /** The value mapped to {@code key}, or {@code null}. */
  StateFuture<UV> asyncGet(UK key);

  /** Maps {@code key} to {@code value}; a {@code null} value removes the mapping. */
  StateFuture<Void> asyncPut(UK key, UV value);

  /** {@link #asyncPut} for every entry of {@code map}. */
  StateFuture<Void> asyncPutAll(Map<UK, UV> map);

  /** Removes the mapping of {@code key}, if any. */
  StateFuture<Void> asyncRemove(UK key);

  /** Whether {@code key} is mapped. */
  StateFuture<Boolean> asyncContains(UK key);

  /** All entries, in user-key order. */
  StateFuture<StateIterator<Map.Entry<UK, UV>>> asyncEntries();

  /** All user keys, in order. */
  StateFuture<StateIterator<UK>> asyncKeys();

  /** All values, in user-key order. */
  StateFuture<StateIterator<UV>> asyncValues();

  /** Whether the map of the current key has no entry. */
  StateFuture<Boolean> asyncIsEmpty();

  /** Synchronous {@link #asyncGet}. */
  UV get(UK key);

  /** Synchronous {@link #asyncPut}. */
  void put(UK key, UV value);

  /** Synchronous {@link #asyncPutAll}. */
  void putAll(Map<UK, UV> map);

  /** Synchronous {@link #asyncRemove}. */
  void remove(UK key);

  /** Synchronous {@link #asyncContains}. */
  boolean contains(UK key);

  /** All entries, loaded lazily page by page. */
  Iterable<Map.Entry<UK, UV>> entries();

  /** All user keys, loaded lazily. */
  Iterable<UK> keys();

  /** All values, loaded lazily. */
  Iterable<UV> values();

  /** Iterator over the entries; {@link Iterator#remove()} removes the last returned entry. */
  Iterator<Map.Entry<UK, UV>> iterator();

  /** Synchronous {@link #asyncIsEmpty}. */
  boolean isEmpty();
}
