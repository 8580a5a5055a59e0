package io.aloft.process;

/**
 * Receives the records a function emits.
 *
 * @param <T> record type
 */
@FunctionalInterface
public interface Collector<T> {
  void collect(T record);
}
