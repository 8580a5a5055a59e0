package io.aloft.engine.state;

import io.aloft.spi.backend.StateTable;
import io.aloft.state.State;
import io.aloft.state.StateFuture;
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

  KeyedState(StateBinding binding) {
    this.stateId = binding.stateId();
    this.table = binding.table();
    this.keys = binding.keys();
    this.asyncHandler = binding.asyncHandler();
  }

  /** The handler for {@code async…} methods. */
  final RequestHandler async() {
    return asyncHandler.get();
  }

  static RequestHandler direct() {
    return DirectRequestHandler.INSTANCE;
  }

  static <R> R await(StateFuture<R> future) {
    return DirectRequestHandler.await(future);
  }

  /** Clears the current key's state: one row, or (for maps) every row under the key's prefix. */
  StateFuture<Void> clear(RequestHandler via) {
    byte[] row = keys.prefix();
    return via.submit(
        stateId,
        () -> {
          table.delete(row);
          return null;
        });
  }

  @Override
  public StateFuture<Void> asyncClear() {
    return clear(async());
  }

  @Override
  public void clear() {
    await(clear(direct()));
  }

  static <T> T requireNonNullArgument(T value, String method, String stateId) {
    if (value == null) {
      throw new NullPointerException(method + " of state '" + stateId + "' does not accept null");
    }
    return value;
  }
}
