package io.aloft.state;

import io.aloft.serde.Serializer;
import java.util.Objects;

/**
 * Describes a {@link ReducingState}.
 *
 * @param <T> value type
 */
public final class ReducingStateDescriptor<T> extends StateDescriptor<T> {
  private final ReduceFunction<T> reduceFunction;

  public ReducingStateDescriptor(
      String stateId, ReduceFunction<T> reduceFunction, Serializer<T> serializer) {
    super(stateId, serializer);
    this.reduceFunction =
        Objects.requireNonNull(reduceFunction, "reduceFunction of state '" + stateId + "'");
  }

  public ReduceFunction<T> getReduceFunction() {
    return reduceFunction;
  }

  @Override
  public Kind getKind() {
    return Kind.REDUCING;
  }
}
