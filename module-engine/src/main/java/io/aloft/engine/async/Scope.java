package io.aloft.engine.async;

import java.util.ArrayList;

/**
 * A place in a record's order: the record's body (its root scope) or one callback, holding what it
 * issued and attached while it ran — state requests and the places of further callbacks — in the order
 * it did so. A record's order is the pre-order of this tree, which is exactly the order in which a
 * synchronous execution (every request complete when issued, every callback run when attached to a
 * complete future) would have issued the requests and run the callbacks. Task thread only.
 */
final class Scope {
  /** Where a callback is in its life; the root scope is RUNNING while the body runs, then DONE. */
  enum State {
    /** Attached to a future that has not completed. */
    ATTACHED,
    /** Its future completed; it runs when the record's order reaches it. */
    READY,
    RUNNING,
    DONE
  }

  final RecordContext record;
  /** {@link StateRequest}s and {@link Scope}s, in issue order; settled entries are nulled. */
  final ArrayList<Object> children = new ArrayList<>(2);
  /** {@code children[0, settled)} are settled: requests dispatched, callbacks done with all they issued. */
  int settled;
  State state;
  /** The callback, set when its future completes. */
  Runnable callback;

  Scope(RecordContext record, State state) {
    this.record = record;
    this.state = state;
  }
}
