package io.aloft.state;

import io.aloft.serde.Serializer;
import java.util.Objects;

/**
 * Describes an {@link AggregatingState}; the stored value is the accumulator.
 *
 * @param <IN> element type
 * @param <ACC> accumulator type
 * @param <OUT> result type
 */
public final class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<ACC> {
  private final AggregateFunction<IN, ACC, OUT> aggregateFunction;

  public AggregatingStateDescriptor(
      String stateId,
      AggregateFunction<IN, ACC, OUT> aggregateFunction,
      Serializer<ACC> accumulatorSerializer) {
    super(stateId, accumulatorSerializer);
    this.aggregateFunction =
        Objects.requireNonNull(aggregateFunction, "aggregateFunction of state '" + stateId + "'");
  }

  public AggregateFunction<IN, ACC, OUT> getAggregateFunction() {
    return aggregateFunction;
  }

  @Override
  public Kind getKind() {
    return Kind.AGGREGATING;
  }
}
