package io.aloft.engine.async;

import io.aloft.engine.keyedstate.RequestKind;
import io.aloft.engine.keyedstate.TableRequest;
import io.aloft.internal.CallbackOrder;
import io.aloft.internal.TaskFuture;

/**
 * One state request in flight: what it does (a {@link TableRequest}, data), for which record, and the
 * future the task thread completes once an I/O thread has run it.
 */
final class StateRequest<R> {
  final TableRequest<R> request;
  final RequestKind kind;
  final ByteKey conflictKey;
  final TaskFuture<R> future;
  final RecordContext owner;
  /** When the request was issued ({@code System.nanoTime()}), if its latency is sampled; 0 otherwise. */
  final long issuedNanos;

  StateRequest(
      TableRequest<R> request, ByteKey conflictKey, RecordContext owner, CallbackOrder order, boolean timed) {
    this.issuedNanos = timed ? System.nanoTime() : 0;
    this.request = request;
    this.kind = request.kind().phase();
    this.conflictKey = conflictKey;
    this.owner = owner;
    this.future = new TaskFuture<>(order);
  }
}
