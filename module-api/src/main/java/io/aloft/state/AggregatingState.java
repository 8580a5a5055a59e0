package io.aloft.state;

/**
 * An accumulator per key, fed by the descriptor's {@link AggregateFunction}; reads return the function's
 * result for the accumulator ({@code null} when nothing was added).
 *
 * @param <IN> type of the added elements
 * @param <OUT> type of the result
 */
public interface AggregatingState<IN, OUT> extends AppendingState<IN, OUT, OUT> {}
