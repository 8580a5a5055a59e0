package io.aloft.engine.keyedstate;

import io.aloft.state.StateFuture;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;

final class ValueStateImpl<T> extends SingleValueState<T> implements ValueState<T> {

  ValueStateImpl(StateBinding binding, ValueStateDescriptor<T> descriptor) {
    super(binding, descriptor);
  }

  @Override
  public StateFuture<T> asyncValue() {
    return read(async());
  }

  @Override
  public StateFuture<Void> asyncUpdate(T value) {
    return write(async(), value);
  }

  @Override
  public T value() {
    return await(read(direct()));
  }

  @Override
  public void update(T value) {
    await(write(direct(), value));
  }
}
