package io.aloft.internal;

/**
 * Decides when the callbacks of a future that is not yet complete run. The runtime's asynchronous
 * execution controller implements it so that callbacks run, and the state requests they issue take
 * effect, in the order a synchronous execution would have run them: a callback's place is fixed when
 * it is attached, and it runs when its future is complete and every earlier place of its record has
 * run.
 *
 * <p>Task thread only, like {@link TaskFuture}.
 */
public interface CallbackOrder {

  /**
   * A callback is being attached now to a future that is not complete. Returns its place in the order,
   * handed back to {@link #ready}; or null when there is no order to keep (no record is being
   * processed), and the callback then runs as soon as its future completes.
   */
  Object attach();

  /** The future of the callback at {@code place} completed: run {@code callback} when its turn comes. */
  void ready(Object place, Runnable callback);
}
