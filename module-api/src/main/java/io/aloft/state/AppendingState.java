package io.aloft.state;

/**
 * A state that elements are added to and that yields one aggregated output.
 *
 * @param <IN> type of the added elements
 * @param <OUT> type of the asynchronous result
 * @param <SYNCOUT> type of the synchronous result
 */
public interface AppendingState<IN, OUT, SYNCOUT> extends State {

  /**
   * The current aggregate of the current key. For reducing and aggregating states: {@code null} when
   * nothing was added. For list states: an iterator, empty when nothing was added.
   */
  StateFuture<OUT> asyncGet();

  /**
   * Adds {@code value} to the current key's state.
   *
   * @throws NullPointerException if {@code value} is null
   */
  StateFuture<Void> asyncAdd(IN value);

  /** Synchronous {@link #asyncGet()}. */
  SYNCOUT get();

  /** Synchronous {@link #asyncAdd(Object)}. */
  void add(IN value);
}
