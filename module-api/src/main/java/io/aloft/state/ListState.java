package io.aloft.state;

import java.util.List;

/**
 * A list of elements per key. {@link #asyncGet()} yields an iterator that is empty (never null) when the
 * list is empty; {@link #get()} an empty iterable. Null elements are rejected everywhere.
 *
 * @param <T> element type
 */
public interface ListState<T> extends AppendingState<T, StateIterator<T>, Iterable<T>> {

  /**
   * Replaces the list. An empty list clears the state.
   *
   * @throws NullPointerException if {@code values} or one of its elements is null
   */
  StateFuture<Void> asyncUpdate(List<T> values);

  /**
   * Appends all elements; an empty list changes nothing.
   *
   * @throws NullPointerException if {@code values} or one of its elements is null
   */
  StateFuture<Void> asyncAddAll(List<T> values);

  /** Synchronous {@link #asyncUpdate(List)}. */
  void update(List<T> values);

  /** Synchronous {@link #asyncAddAll(List)}. */
  void addAll(List<T> values);
}
