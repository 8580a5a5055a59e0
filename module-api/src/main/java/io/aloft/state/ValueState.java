package io.aloft.state;

/**
 * A single value per key.
 *
 * @param <T> value type
 */
public interface ValueState<T> extends State {

  /** The value of the current key, or {@code null} when none is set (or it expired). */
  StateFuture<T> asyncValue();

  /** Sets the value of the current key; {@code null} removes it. */
  StateFuture<Void> asyncUpdate(T value);

  /** Synchronous {@link #asyncValue()}. */
  T value();

  /** Synchronous {@link #asyncUpdate(Object)}. */
  void update(T value);
}
