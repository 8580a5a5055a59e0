package io.aloft.engine.keyedstate;

import io.aloft.state.AggregateFunction;
import io.aloft.state.AggregatingState;
import io.aloft.state.AggregatingStateDescriptor;
import io.aloft.state.StateFuture;

/** Stores the accumulator; the aggregate function (user code) runs on the task thread. */
final class AggregatingStateImpl<IN, ACC, OUT> extends SingleValueState<ACC>
    implements AggregatingState<IN, OUT> {
  private final AggregateFunction<IN, ACC, OUT> function;

  AggregatingStateImpl(StateBinding binding, AggregatingStateDescriptor<IN, ACC, OUT> descriptor) {
    super(binding, descriptor);
    this.function = descriptor.getAggregateFunction();
  }

  private StateFuture<OUT> get(RequestHandler via) {
    // getResult is pure by contract: a conversion, not a callback with a place in the order.
    return convert(read(via), acc -> acc == null ? null : function.getResult(acc));
  }

  private StateFuture<Void> add(RequestHandler via, IN value) {
    requireNonNullArgument(value, "add", stateId);
    return read(via)
        .thenCompose(
            acc ->
                write(via, function.add(value, acc == null ? function.createAccumulator() : acc)));
  }

  @Override
  public StateFuture<OUT> asyncGet() {
    return get(async());
  }

  @Override
  public StateFuture<Void> asyncAdd(IN value) {
    return add(async(), value);
  }

  @Override
  public OUT get() {
    return await(get(direct()));
  }

  @Override
  public void add(IN value) {
    await(add(direct(), value));
  }
}
