package io.aloft.process;

import io.aloft.serde.Serializer;

import io.aloft.state.NamespacedState;

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

  /**
   * A value state per namespace ({@link NamespacedState}); namespaces are serialized with {@code
   * namespaceSerializer}, which must be deterministic. The state id is one state: registering it again
   * with another namespace serializer fails, naming both.
   */
  <N, T> NamespacedState<N, ValueState<T>> getState(
      ValueStateDescriptor<T> descriptor, Serializer<N> namespaceSerializer);

  /** A list state per namespace; see {@link #getState(ValueStateDescriptor, Serializer)}. */
  <N, T> NamespacedState<N, ListState<T>> getListState(
      ListStateDescriptor<T> descriptor, Serializer<N> namespaceSerializer);

  /** A map state per namespace; see {@link #getState(ValueStateDescriptor, Serializer)}. */
  <N, UK, UV> NamespacedState<N, MapState<UK, UV>> getMapState(
      MapStateDescriptor<UK, UV> descriptor, Serializer<N> namespaceSerializer);

  /** A reducing state per namespace; see {@link #getState(ValueStateDescriptor, Serializer)}. */
  <N, T> NamespacedState<N, ReducingState<T>> getReducingState(
      ReducingStateDescriptor<T> descriptor, Serializer<N> namespaceSerializer);

  /** An aggregating state per namespace; see {@link #getState(ValueStateDescriptor, Serializer)}. */
  <N, IN, ACC, OUT> NamespacedState<N, AggregatingState<IN, OUT>> getAggregatingState(
      AggregatingStateDescriptor<IN, ACC, OUT> descriptor, Serializer<N> namespaceSerializer);

  /**
   * The timers per namespace ({@link NamespacedTimers}), namespaces serialized with {@code
   * namespaceSerializer}. One namespace serializer per function: asking again with the same one returns
   * the same timers, with another fails.
   */
  <N> NamespacedTimers<N> getTimers(Serializer<N> namespaceSerializer);

  /** The index of this instance among the processor's parallel instances. */
  int subtaskIndex();

  /** How many parallel instances the processor runs. */
  int parallelism();
}
