package io.aloft.engine.keyedstate;

import io.aloft.state.ReduceFunction;
import io.aloft.state.ReducingState;
import io.aloft.state.ReducingStateDescriptor;
import io.aloft.state.StateCallbackException;
import io.aloft.state.StateFuture;

/** Read-modify-write: the reduce function is user code, so it runs on the task thread between the two. */
final class ReducingStateImpl<T> extends SingleValueState<T> implements ReducingState<T> {
  private final ReduceFunction<T> reduceFunction;

  ReducingStateImpl(StateBinding binding, ReducingStateDescriptor<T> descriptor) {
    super(binding, descriptor);
    this.reduceFunction = descriptor.getReduceFunction();
  }

  private StateFuture<Void> add(RequestHandler via, T value) {
    requireNonNullArgument(value, "add", stateId);
    return read(via).thenCompose(old -> write(via, old == null ? value : reduce(old, value)));
  }

  private T reduce(T old, T value) {
    try {
      return reduceFunction.reduce(old, value);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new StateCallbackException(e);
    }
  }

  @Override
  public StateFuture<T> asyncGet() {
    return read(async());
  }

  @Override
  public StateFuture<Void> asyncAdd(T value) {
    return add(async(), value);
  }

  @Override
  public T get() {
    return await(read(direct()));
  }

  @Override
  public void add(T value) {
    await(add(direct(), value));
  }
}
