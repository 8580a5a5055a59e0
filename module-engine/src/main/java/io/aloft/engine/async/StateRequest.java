package io.aloft.engine.async;

import io.aloft.engine.state.IoCall;
import io.aloft.internal.CallbackOrder;
import io.aloft.engine.state.RequestKind;
import io.aloft.internal.TaskFuture;

/**
 * One state request in flight: what to run, for which record, and — once run on an I/O thread — its
 * result or failure, which the task thread then delivers.
 */
final class StateRequest<R> {
  final String stateId;
  final RequestKind kind;
  final ByteKey conflictKey;
  final IoCall<R> call;
  final TaskFuture<R> future;
  final RecordContext owner;
  private R result; // written by an I/O thread, read by the task thread after a mailbox hand-off
  private Throwable failure;

  StateRequest(
      String stateId,
      RequestKind kind,
      ByteKey conflictKey,
      IoCall<R> call,
      RecordContext owner,
      CallbackOrder order) {
    this.future = new TaskFuture<>(order);
    this.stateId = stateId;
    this.kind = kind;
    this.conflictKey = conflictKey;
    this.call = call;
    this.owner = owner;
  }

  /** Runs the storage call, capturing its outcome. Any thread. */
  void run() {
    try {
      result = call.call();
    } catch (Throwable t) {
      failure = t;
    }
  }

  /** Marks the request failed (its whole write batch failed), unless it failed already. */
  void failWith(Throwable t) {
    if (failure == null) {
      failure = t;
    }
  }

  Throwable failure() {
    return failure;
  }

  R result() {
    return result;
  }
}
