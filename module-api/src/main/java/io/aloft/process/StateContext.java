package io.aloft.process;

import io.aloft.state.AggregatingState;
import io.aloft.state.AggregatingStateDescriptor;
import io.aloft.state.ListState;
import io.aloft.state.ListStateDescriptor;
import io.aloft.state.MapState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.ReducingState;
import io.aloft.state.ReducingStateDescriptor;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;

/**
 * Gives a {@link KeyedProcessFunction} its states, in {@code open}. Asking twice for the same descriptor
 * returns the same state; asking for an id already registered with another kind or serializers throws
 * {@link io.aloft.state.StateCompatibilityException}.
 */
public interface StateContext {

  <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor);

  <T> ListState<T> getListState(ListStateDescriptor<T> descriptor);

  <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> descriptor);

  <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> descriptor);

  <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(
      AggregatingStateDescriptor<IN, ACC, OUT> descriptor);

  /** The index of this instance among the processor's parallel instances. */
  int subtaskIndex();

  /** How many parallel instances the processor runs. */
  int parallelism();
}
