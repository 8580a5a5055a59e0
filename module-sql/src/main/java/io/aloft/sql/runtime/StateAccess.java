package io.aloft.sql.runtime;

import io.aloft.state.ListState;
import io.aloft.state.MapState;
import io.aloft.state.State;
import io.aloft.state.StateFuture;
import io.aloft.state.StateFutures;
import io.aloft.state.ValueState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How an operator touches its state: the one thing its async and sync versions do differently. The
 * operator's logic is written once against this interface, chaining on the futures it returns;
 * {@link #ASYNC} issues State V2's asynchronous calls (reads complete later, writes are not awaited:
 * the runtime keeps each key's requests in order), {@link #SYNC} makes the blocking calls and returns
 * completed futures, so the same chain runs straight through.
 */
public interface StateAccess {

  <T> StateFuture<T> value(ValueState<T> state);

  <T> void update(ValueState<T> state, T value);

  void clear(State state);

  <K, V> StateFuture<V> get(MapState<K, V> state, K key);

  <K, V> void put(MapState<K, V> state, K key, V value);

  <K, V> void remove(MapState<K, V> state, K key);

  /** All entries of {@code state}, in the backend's order. */
  <K, V> StateFuture<List<Map.Entry<K, V>>> entries(MapState<K, V> state);

  /** All elements of {@code state}, in order (empty when there are none). */
  <T> StateFuture<List<T>> elements(ListState<T> state);

  <T> void add(ListState<T> state, T value);

  /** Whether this is {@link #ASYNC}. */
  boolean isAsync();

  /** The access {@code table.exec.async-state.enabled} picks. */
  static StateAccess of(boolean async) {
    return async ? ASYNC : SYNC;
  }

  StateAccess ASYNC =
      new StateAccess() {
        @Override
        public <T> StateFuture<T> value(ValueState<T> state) {
          return state.asyncValue();
        }

        @Override
        public <T> void update(ValueState<T> state, T value) {
          state.asyncUpdate(value); // not awaited: the key's next request runs after it
        }

        @Override
        public void clear(State state) {
          state.asyncClear();
        }

        @Override
        public <K, V> StateFuture<V> get(MapState<K, V> state, K key) {
          return state.asyncGet(key);
        }

        @Override
        public <K, V> void put(MapState<K, V> state, K key, V value) {
          state.asyncPut(key, value);
        }

        @Override
        public <K, V> void remove(MapState<K, V> state, K key) {
          state.asyncRemove(key);
        }

        @Override
        public <K, V> StateFuture<List<Map.Entry<K, V>>> entries(MapState<K, V> state) {
          List<Map.Entry<K, V>> all = new ArrayList<>();
          return state
              .asyncEntries()
              .thenCompose(it -> it.onNext((Map.Entry<K, V> e) -> { all.add(e); }))
              .thenApply(done -> all);
        }

        @Override
        public <T> StateFuture<List<T>> elements(ListState<T> state) {
          List<T> all = new ArrayList<>();
          return state.asyncGet().thenCompose(it -> it.onNext((T e) -> { all.add(e); })).thenApply(done -> all);
        }

        @Override
        public <T> void add(ListState<T> state, T value) {
          state.asyncAdd(value);
        }

        @Override
        public boolean isAsync() {
          return true;
        }

        @Override
        public String toString() {
          return "async";
        }
      };

  StateAccess SYNC =
      new StateAccess() {
        @Override
        public <T> StateFuture<T> value(ValueState<T> state) {
          return StateFutures.completedFuture(state.value());
        }

        @Override
        public <T> void update(ValueState<T> state, T value) {
          state.update(value);
        }

        @Override
        public void clear(State state) {
          state.clear();
        }

        @Override
        public <K, V> StateFuture<V> get(MapState<K, V> state, K key) {
          return StateFutures.completedFuture(state.get(key));
        }

        @Override
        public <K, V> void put(MapState<K, V> state, K key, V value) {
          state.put(key, value);
        }

        @Override
        public <K, V> void remove(MapState<K, V> state, K key) {
          state.remove(key);
        }

        @Override
        public <K, V> StateFuture<List<Map.Entry<K, V>>> entries(MapState<K, V> state) {
          List<Map.Entry<K, V>> all = new ArrayList<>();
          state.entries().forEach(e -> all.add(Map.entry(e.getKey(), e.getValue())));
          return StateFutures.completedFuture(all);
        }

        @Override
        public <T> StateFuture<List<T>> elements(ListState<T> state) {
          List<T> all = new ArrayList<>();
          Iterable<T> got = state.get();
          if (got != null) {
            got.forEach(all::add);
          }
          return StateFutures.completedFuture(all);
        }

        @Override
        public <T> void add(ListState<T> state, T value) {
          state.add(value);
        }

        @Override
        public boolean isAsync() {
          return false;
        }

        @Override
        public String toString() {
          return "sync";
        }
      };
}
