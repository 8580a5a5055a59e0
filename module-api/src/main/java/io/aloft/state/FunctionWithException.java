package io.aloft.state;

/**
 * A function that may throw a checked exception; used by {@link StateFuture} callbacks so that user
 * code can call blocking-free APIs that declare exceptions without wrapping them.
 *
 * @param <T> argument type
 * @param <R> result type
 * @param <E> exception the function may throw
 */
@FunctionalInterface
public interface FunctionWithException<T, R, E extends Exception> {
  R apply(T value) throws E;
}
