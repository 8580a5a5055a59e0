package io.aloft.flink;

import java.io.IOException;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.ReduceFunction;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.runtime.asyncprocessing.StateRequestHandler;
import org.apache.flink.runtime.state.v2.AbstractAggregatingState;
import org.apache.flink.runtime.state.v2.AbstractListState;
import org.apache.flink.runtime.state.v2.AbstractMapState;
import org.apache.flink.runtime.state.v2.AbstractReducingState;
import org.apache.flink.runtime.state.v2.AbstractValueState;

/**
 * Flink's five State V2 kinds over Aloft tables. Flink's base classes turn every call into a {@link
 * org.apache.flink.runtime.asyncprocessing.StateRequest} (reduce and aggregate become a get and a put;
 * namespaces and TTL are Flink's); {@link AloftStateExecutor} serves the requests through the rows each
 * state names here.
 */
final class AloftStates {
  private AloftStates() {}

  /** A state whose requests {@link AloftStateExecutor} serves. */
  interface AloftState {
    StateRows<?, ?, ?> rows();
  }

  static final class Value<K, N, V> extends AbstractValueState<K, N, V> implements AloftState {
    private final StateRows<K, N, V> rows;

    Value(StateRequestHandler handler, TypeSerializer<V> serializer, StateRows<K, N, V> rows) {
      super(handler, serializer);
      this.rows = rows;
    }

    @Override
    public StateRows<K, N, V> rows() {
      return rows;
    }
  }

  static final class List<K, N, V> extends AbstractListState<K, N, V> implements AloftState {
    private final StateRows<K, N, V> rows;

    List(StateRequestHandler handler, TypeSerializer<V> serializer, StateRows<K, N, V> rows) {
      super(handler, serializer);
      this.rows = rows;
    }

    @Override
    public StateRows<K, N, V> rows() {
      return rows;
    }
  }

  static final class Map<K, N, UK, V> extends AbstractMapState<K, N, UK, V> implements AloftState {
    private final StateRows<K, N, V> rows;
    private final ThreadLocal<TypeSerializer<UK>> userKeySerializer;

    Map(
        StateRequestHandler handler,
        TypeSerializer<V> serializer,
        TypeSerializer<UK> userKeySerializer,
        StateRows<K, N, V> rows) {
      super(handler, serializer);
      this.rows = rows;
      this.userKeySerializer = ThreadLocal.withInitial(userKeySerializer::duplicate);
    }

    @Override
    public StateRows<K, N, V> rows() {
      return rows;
    }

    byte[] entryKey(byte[] prefix, UK userKey) throws IOException {
      if (userKey == null) {
        throw new NullPointerException("state '" + rows.name + "': a map key is null");
      }
      return RowCodec.entryKey(prefix, userKey, userKeySerializer.get());
    }

    UK userKey(byte[] row, int prefixLength) throws IOException {
      return RowCodec.userKey(row, prefixLength, userKeySerializer.get());
    }
  }

  static final class Reducing<K, N, V> extends AbstractReducingState<K, N, V> implements AloftState {
    private final StateRows<K, N, V> rows;

    Reducing(
        StateRequestHandler handler,
        ReduceFunction<V> function,
        TypeSerializer<V> serializer,
        StateRows<K, N, V> rows) {
      super(handler, function, serializer);
      this.rows = rows;
    }

    @Override
    public StateRows<K, N, V> rows() {
      return rows;
    }
  }

  static final class Aggregating<K, N, IN, ACC, OUT> extends AbstractAggregatingState<K, N, IN, ACC, OUT>
      implements AloftState {
    private final StateRows<K, N, ACC> rows;

    Aggregating(
        StateRequestHandler handler,
        AggregateFunction<IN, ACC, OUT> function,
        TypeSerializer<ACC> serializer,
        StateRows<K, N, ACC> rows) {
      super(handler, function, serializer);
      this.rows = rows;
    }

    @Override
    public StateRows<K, N, ACC> rows() {
      return rows;
    }
  }
}
