package io.aloft.state;

/**
 * A two-argument function that may throw a checked exception; used by {@link StateFuture#thenCombine}.
 *
 * @param <T> first argument type
 * @param <U> second argument type
 * @param <R> result type
 * @param <E> exception the function may throw
 */
@FunctionalInterface
public interface BiFunctionWithException<T, U, R, E extends Exception> {
  R apply(T first, U second) throws E;
}
