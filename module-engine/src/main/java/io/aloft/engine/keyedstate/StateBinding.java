package io.aloft.engine.keyedstate;

import io.aloft.spi.backend.StateTable;
import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * What a state implementation is bound to.
 *
 * @param stateId the state's id
 * @param table the backend table holding its rows
 * @param keys the current key
 * @param asyncHandler the handler of {@code async…} requests (looked up per request, so the runtime may
 *     switch execution modes)
 * @param directHandler the handler of synchronous requests: runs them at once
 * @param clock processing time, for TTL
 * @param beforeSyncAccess run before a synchronous state call, so that it sees every effect of the
 *     asynchronous requests and callbacks that come before it in its record's order (the controller
 *     finishes them first)
 */
public record StateBinding(
    String stateId,
    StateTable table,
    KeyContext keys,
    Supplier<RequestHandler> asyncHandler,
    RequestHandler directHandler,
    InstantSource clock,
    Runnable beforeSyncAccess) {

  /** The same binding, for the current key's rows in a namespace. */
  StateBinding inNamespace(byte[] namespace) {
    return new StateBinding(
        stateId, table, keys.inNamespace(namespace), asyncHandler, directHandler, clock, beforeSyncAccess);
  }
}
