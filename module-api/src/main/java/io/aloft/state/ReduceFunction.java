package io.aloft.state;

/**
 * Combines two values of the same type into one; must be associative.
 *
 * @param <T> value type
 */
@FunctionalInterface
public interface ReduceFunction<T> {
  T reduce(T accumulated, T added) throws Exception;
}
