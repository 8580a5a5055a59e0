package io.aloft.state;

/**
 * One value per key, combined with each added element by the descriptor's {@link ReduceFunction}.
 *
 * @param <T> value type
 */
public interface ReducingState<T> extends AppendingState<T, T, T> {}
