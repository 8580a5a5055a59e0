package io.aloft.state;

/**
 * Aggregates elements into an accumulator (Flink's {@code AggregateFunction}). The accumulator is what
 * is stored, serialized with the descriptor's accumulator serializer.
 *
 * @param <IN> element type
 * @param <ACC> accumulator type
 * @param <OUT> result type
 */
public interface AggregateFunction<IN, ACC, OUT> {

  /** A new, empty accumulator. */
  ACC createAccumulator();

  /** Adds {@code value} to {@code accumulator} and returns the (possibly same) accumulator. */
  ACC add(IN value, ACC accumulator);

  /** The result for {@code accumulator}. */
  OUT getResult(ACC accumulator);

  /** Merges two accumulators (used when state of two parts is combined). */
  ACC merge(ACC a, ACC b);
}
