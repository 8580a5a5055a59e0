package io.aloft.engine.async;

import io.aloft.engine.keyedstate.CurrentRecord;
import java.util.ArrayDeque;

/**
 * A record (or timer) in flight: its key, the order of its state requests and callbacks (a tree of
 * {@link Scope}s rooted at the body), and how far that order has been carried out. The record is done —
 * and the next record of its key may start — when its body and every callback have run and every
 * request has been delivered. Task thread only.
 */
final class RecordContext {
  final CurrentRecord record;
  final ByteKey key;
  final Scope root = new Scope(this, Scope.State.ATTACHED);
  /**
   * The frontier of the order: the scopes from the root down to the one whose children are being
   * carried out. Everything before it in the order is settled; it only moves forward.
   */
  final ArrayDeque<Scope> path = new ArrayDeque<>();
  /** Requests dispatched (buffered or executing) and not yet delivered. */
  int inFlightRequests;
  /** Queued for {@code advance} at the top level (a callback became ready or a request was delivered). */
  boolean queued;
  boolean finished;

  RecordContext(CurrentRecord record) {
    this.record = record;
    this.key = new ByteKey(record.keyBytes());
    path.addLast(root);
  }
}
