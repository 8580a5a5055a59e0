package io.aloft.engine.keyedstate;

import io.aloft.state.StateDescriptor;
import io.aloft.state.StateFuture;

/**
 * A state stored as one row per key: value, reducing and aggregating states. The stored value of
 * reducing and aggregating states is the reduced value and the accumulator.
 */
abstract class SingleValueState<V> extends KeyedState {
  final StoredValues<V> values;

  SingleValueState(StateBinding binding, StateDescriptor<V> descriptor) {
    super(binding);
    this.values =
        new StoredValues<>(
            descriptor.getKind(),
            descriptor.getSerializer(), descriptor.getTtlConfig().orElse(null), binding.clock());
  }

  /** The current key's stored value, or null; an expired hidden value is removed on the way. */
  final StateFuture<V> read(RequestHandler via) {
    return readVisible(via, keys.prefix(), values);
  }

  /** Stores {@code value} for the current key; null deletes. */
  final StateFuture<Void> write(RequestHandler via, V value) {
    return putOrDelete(via, keys.prefix(), value == null ? null : values.encode(value));
  }
}
