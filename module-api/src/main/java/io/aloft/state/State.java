package io.aloft.state;

/**
 * A partitioned state: every access reads or writes the value of the key of the record (or timer) that
 * is being processed. States are obtained once, in {@code open}, from the
 * {@link io.aloft.process.StateContext}.
 *
 * <p>Each state has an asynchronous method (prefix {@code async}) returning a {@link StateFuture}, and a
 * synchronous twin that completes the request before it returns. Within one key, accesses take effect
 * in the order they were issued.
 */
public interface State {

  /** Removes the value of the current key. */
  StateFuture<Void> asyncClear();

  /** Removes the value of the current key, synchronously. */
  void clear();
}
