package io.aloft.state;

/**
 * The result of an asynchronous state access, completed later by the runtime.
 *
 * <p>Contract (Flink State V2):
 *
 * <ul>
 *   <li>Every callback runs on the task thread that issued the request, never on an I/O thread, so
 *       callbacks may touch operator fields and other states without synchronisation.
 *   <li>Within a key, state requests take effect in the order they were issued, chained or not, and
 *       callbacks run in the order they were attached: every request and callback sees what a
 *       synchronous execution would have shown it (each request complete when issued, each callback
 *       run when attached). So {@code sum.asyncAdd(1); sum.asyncAdd(2)} adds 3, and a request issued
 *       after an attached callback that has not run yet waits for it (the callback may write what the
 *       request reads).
 *   <li>The callbacks of one chain run in chain order. A callback that throws fails the record that
 *       owns the chain; the runtime reports the exception from the processor call that was running or
 *       from the next one.
 *   <li>There is deliberately no blocking {@code get()}: blocking the task thread would deadlock the
 *       runtime that completes the future. Use the synchronous state methods when sync code is wanted.
 * </ul>
 *
 * @param <T> the value the future completes with (may be {@code null}, e.g. an absent value)
 */
public interface StateFuture<T> {

  /** Applies {@code fn} to the result once it is available. */
  <U> StateFuture<U> thenApply(FunctionWithException<? super T, ? extends U, ? extends Exception> fn);

  /** Runs {@code action} with the result once it is available. */
  StateFuture<Void> thenAccept(ThrowingConsumer<? super T, ? extends Exception> action);

  /** Continues with the future that {@code fn} returns for the result. */
  <U> StateFuture<U> thenCompose(
      FunctionWithException<? super T, ? extends StateFuture<U>, ? extends Exception> fn);

  /** Combines this result with {@code other}'s once both are available. */
  <U, V> StateFuture<V> thenCombine(
      StateFuture<? extends U> other,
      BiFunctionWithException<? super T, ? super U, ? extends V, ? extends Exception> fn);

  /** Applies one of two functions, chosen by {@code condition} on the result. */
  <U, V> StateFuture<ConditionalResult<U, V>> thenConditionallyApply(
      FunctionWithException<? super T, Boolean, ? extends Exception> condition,
      FunctionWithException<? super T, ? extends U, ? extends Exception> actionIfTrue,
      FunctionWithException<? super T, ? extends V, ? extends Exception> actionIfFalse);

  /** Applies {@code actionIfTrue} when {@code condition} holds for the result; nothing otherwise. */
  <U> StateFuture<ConditionalResult<U, Void>> thenConditionallyApply(
      FunctionWithException<? super T, Boolean, ? extends Exception> condition,
      FunctionWithException<? super T, ? extends U, ? extends Exception> actionIfTrue);

  /** Runs one of two actions, chosen by {@code condition}; completes with the condition's value. */
  StateFuture<Boolean> thenConditionallyAccept(
      FunctionWithException<? super T, Boolean, ? extends Exception> condition,
      ThrowingConsumer<? super T, ? extends Exception> actionIfTrue,
      ThrowingConsumer<? super T, ? extends Exception> actionIfFalse);

  /** Runs {@code actionIfTrue} when {@code condition} holds; completes with the condition's value. */
  StateFuture<Boolean> thenConditionallyAccept(
      FunctionWithException<? super T, Boolean, ? extends Exception> condition,
      ThrowingConsumer<? super T, ? extends Exception> actionIfTrue);

  /** Continues with the future of one of two functions, chosen by {@code condition}. */
  <U, V> StateFuture<ConditionalResult<U, V>> thenConditionallyCompose(
      FunctionWithException<? super T, Boolean, ? extends Exception> condition,
      FunctionWithException<? super T, ? extends StateFuture<U>, ? extends Exception> actionIfTrue,
      FunctionWithException<? super T, ? extends StateFuture<V>, ? extends Exception> actionIfFalse);

  /** Continues with {@code actionIfTrue}'s future when {@code condition} holds. */
  <U> StateFuture<ConditionalResult<U, Void>> thenConditionallyCompose(
      FunctionWithException<? super T, Boolean, ? extends Exception> condition,
      FunctionWithException<? super T, ? extends StateFuture<U>, ? extends Exception> actionIfTrue);
}
