package io.aloft.state;

import java.util.Collection;

/**
 * An asynchronous iterator over state elements (list elements, map entries, keys or values). The
 * runtime loads elements in pages (128 per remote round trip for the {@code forst} backend), so
 * iterating a large map never holds it all in memory.
 *
 * <p>An iterator is consumed once: call one of the {@code onNext} methods at most once.
 *
 * <p>As in Flink, a lambda whose body is a method call fits both {@code onNext} overloads; declare its
 * parameter type ({@code (String e) -> state.asyncGet(e)}) to pick the one returning results.
 *
 * @param <T> element type
 */
public interface StateIterator<T> {

  /**
   * Calls {@code iterating} for every element, in order, and completes with the results once every
   * returned future has completed.
   */
  <U> StateFuture<Collection<U>> onNext(
      FunctionWithException<T, StateFuture<? extends U>, ? extends Exception> iterating);

  /** Calls {@code iterating} for every element, in order; completes when all were visited. */
  StateFuture<Void> onNext(ThrowingConsumer<T, ? extends Exception> iterating);

  /** Whether there is no element at all. Known without another request. */
  boolean isEmpty();
}
