package io.aloft.state;

/**
 * A consumer that may throw a checked exception; used by {@link StateFuture#thenAccept} and
 * {@link StateIterator#onNext(ThrowingConsumer)}.
 *
 * @param <T> argument type
 * @param <E> exception the consumer may throw
 */
@FunctionalInterface
public interface ThrowingConsumer<T, E extends Exception> {
  void accept(T value) throws E;
}
