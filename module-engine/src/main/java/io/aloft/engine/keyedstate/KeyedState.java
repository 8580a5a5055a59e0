package io.aloft.engine.keyedstate;

import io.aloft.spi.backend.StateTable;
import io.aloft.state.State;
import io.aloft.state.StateFuture;
import io.aloft.spi.backend.RowWrite;
import java.util.List;
import java.util.function.Supplier;

/**
 * What every state implementation shares: its table, the current key, and the two ways of executing
 * requests — the runtime's handler for the {@code async…} methods and the direct handler for the
 * synchronous ones. Each operation is written once as a function of the handler.
 */
abstract class KeyedState implements State {
  final String stateId;
  final StateTable table;
  final KeyContext keys;
  private final Supplier<RequestHandler> asyncHandler;
  private final RequestHandler directHandler;
  private final Runnable beforeSyncAccess;

  KeyedState(StateBinding binding) {
    this.stateId = binding.stateId();
    this.table = binding.table();
    this.keys = binding.keys();
    this.asyncHandler = binding.asyncHandler();
    this.directHandler = binding.directHandler();
    this.beforeSyncAccess = binding.beforeSyncAccess();
  }

  /** The handler for {@code async…} methods. */
  final RequestHandler async() {
    return asyncHandler.get();
  }

  /** The handler for synchronous methods: direct, once earlier asynchronous requests are done. */
  final RequestHandler direct() {
    beforeSyncAccess.run();
    return directHandler;
  }

  static <R> R await(StateFuture<R> future) {
    return DirectRequestHandler.await(future);
  }

  /**
   * {@code future}'s value converted by {@code fn}, a pure conversion of the state layer's own (no state
   * access): it runs when the value arrives and holds no later request of the record back, unlike a
   * callback, which takes its place in the record's order.
   */
  static <A, B> StateFuture<B> convert(StateFuture<A> future, java.util.function.Function<A, B> fn) {
    return ((io.aloft.internal.TaskFuture<A>) future).map(fn);
  }

  /** Clears the current key's state: one row, or (for maps) every row under the key's prefix. */
  StateFuture<Void> clear(RequestHandler via) {
    return putOrDelete(via, keys.prefix(), null);
  }

  @Override
  public StateFuture<Void> asyncClear() {
    return clear(async());
  }

  @Override
  public void clear() {
    await(clear(direct()));
  }

  /** Submits a write of {@code stored} to {@code row}; {@code null} deletes the row. */
  final StateFuture<Void> putOrDelete(RequestHandler via, byte[] row, byte[] stored) {
    return via.submit(
        TableRequest.write(
            stateId,
            table,
            List.of(stored == null ? RowWrite.delete(table, row) : RowWrite.put(table, row, stored))));
  }

  /** Submits writes of this state's rows, applied together. */
  final StateFuture<Void> write(RequestHandler via, List<RowWrite> writes) {
    return via.submit(TableRequest.write(stateId, table, writes));
  }

  /**
   * Submits a read of {@code row}, decoded by {@code values}; a value that TTL hides reads as null (and
   * is removed on the way).
   */
  final <V> StateFuture<V> readVisible(RequestHandler via, byte[] row, StoredValues<V> values) {
    return convert(
        via.submit(TableRequest.get(stateId, table, row, values.expiry())),
        stored -> stored == null ? null : values.decode(stored));
  }

  static <T> T requireNonNullArgument(T value, String method, String stateId) {
    if (value == null) {
      throw new NullPointerException(method + " of state '" + stateId + "' does not accept null");
    }
    return value;
  }
}
