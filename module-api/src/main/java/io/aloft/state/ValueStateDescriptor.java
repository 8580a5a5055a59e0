package io.aloft.state;

import io.aloft.serde.Serializer;

/**
 * Describes a {@link ValueState}.
 *
 * @param <T> value type
 */
public final class ValueStateDescriptor<T> extends StateDescriptor<T> {

  public ValueStateDescriptor(String stateId, Serializer<T> serializer) {
    super(stateId, serializer);
  }

  @Override
  public Kind getKind() {
    return Kind.VALUE;
  }
}
