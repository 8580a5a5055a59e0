package io.aloft.internal;

import io.aloft.state.BiFunctionWithException;
import io.aloft.state.ConditionalResult;
import io.aloft.state.FunctionWithException;
import io.aloft.state.StateCallbackException;
import io.aloft.state.StateFuture;
import io.aloft.state.ThrowingConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one {@link StateFuture} implementation: a future owned by a task thread.
 *
 * <p>Thread ownership: every method, including {@link #complete}, runs on the task thread. The runtime
 * hops completions from I/O threads onto the task thread before calling {@code complete}, which is what
 * makes the "callbacks run on the task thread" guarantee hold without locks here. Callbacks registered
 * before completion run in registration order when it completes; callbacks registered afterwards run
 * at once, inline.
 *
 * <p>A callback that throws propagates the exception (checked ones wrapped in
 * {@link StateCallbackException}) to whoever ran it — user code, or the runtime's completion loop, which
 * fails the processor. The futures derived from it never complete.
 *
 * <p>Exported only to the engine: applications see {@link StateFuture}.
 */
public final class TaskFuture<T> implements StateFuture<T> {

  private boolean done;
  private T value;
  private List<Consumer<T>> callbacks; // lazily created: most futures get zero or one callback

  /** A future completed with {@code value}. */
  public static <T> TaskFuture<T> completed(T value) {
    TaskFuture<T> f = new TaskFuture<>();
    f.complete(value);
    return f;
  }

  /** Whether {@link #complete} was called. */
  public boolean isDone() {
    return done;
  }

  /** The value; only meaningful once {@link #isDone()}. */
  public T valueIfDone() {
    if (!done) {
      throw new IllegalStateException("future is not complete");
    }
    return value;
  }

  /** Completes the future and runs the waiting callbacks in order. Must be called once. */
  public void complete(T result) {
    if (done) {
      throw new IllegalStateException("future completed twice");
    }
    done = true;
    value = result;
    List<Consumer<T>> waiting = callbacks;
    callbacks = null;
    if (waiting != null) {
      for (Consumer<T> callback : waiting) {
        callback.accept(result);
      }
    }
  }

  private void whenDone(Consumer<T> callback) {
    if (done) {
      callback.accept(value);
      return;
    }
    if (callbacks == null) {
      callbacks = new ArrayList<>(2);
    }
    callbacks.add(callback);
  }

  @Override
  public <U> StateFuture<U> thenApply(
      FunctionWithException<? super T, ? extends U, ? extends Exception> fn) {
    TaskFuture<U> next = new TaskFuture<>();
    whenDone(v -> next.complete(call(fn, v)));
    return next;
  }

  @Override
  public StateFuture<Void> thenAccept(ThrowingConsumer<? super T, ? extends Exception> action) {
    TaskFuture<Void> next = new TaskFuture<>();
    whenDone(
        v -> {
          run(action, v);
          next.complete(null);
        });
    return next;
  }

  @Override
  public <U> StateFuture<U> thenCompose(
      FunctionWithException<? super T, ? extends StateFuture<U>, ? extends Exception> fn) {
    TaskFuture<U> next = new TaskFuture<>();
    whenDone(v -> forward(call(fn, v), next));
    return next;
  }

  @Override
  public <U, V> StateFuture<V> thenCombine(
      StateFuture<? extends U> other,
      BiFunctionWithException<? super T, ? super U, ? extends V, ? extends Exception> fn) {
    TaskFuture<V> next = new TaskFuture<>();
    whenDone(
        v ->
            other.thenAccept(
                u -> {
                  try {
                    next.complete(fn.apply(v, u));
                  } catch (RuntimeException | Error e) {
                    throw e;
                  } catch (Exception e) {
                    throw new StateCallbackException(e);
                  }
                }));
    return next;
  }

  @Override
  public <U, V> StateFuture<ConditionalResult<U, V>> thenConditionallyApply(
      FunctionWithException<? super T, Boolean, ? extends Exception> condition,
      FunctionWithException<? super T, ? extends U, ? extends Exception> actionIfTrue,
      FunctionWithException<? super T, ? extends V, ? extends Exception> actionIfFalse) {
    return thenApply(
        v ->
            test(condition, v)
                ? new ConditionalResult<U, V>(true, actionIfTrue.apply(v), null)
                : new ConditionalResult<U, V>(false, null, actionIfFalse.apply(v)));
  }

  @Override
  public <U> StateFuture<ConditionalResult<U, Void>> thenConditionallyApply(
      FunctionWithException<? super T, Boolean, ? extends Exception> condition,
      FunctionWithException<? super T, ? extends U, ? extends Exception> actionIfTrue) {
    return thenConditionallyApply(condition, actionIfTrue, v -> null);
  }

  @Override
  public StateFuture<Boolean> thenConditionallyAccept(
      FunctionWithException<? super T, Boolean, ? extends Exception> condition,
      ThrowingConsumer<? super T, ? extends Exception> actionIfTrue,
      ThrowingConsumer<? super T, ? extends Exception> actionIfFalse) {
    return thenApply(
        v -> {
          boolean taken = test(condition, v);
          if (taken) {
            actionIfTrue.accept(v);
          } else {
            actionIfFalse.accept(v);
          }
          return taken;
        });
  }

  @Override
  public StateFuture<Boolean> thenConditionallyAccept(
      FunctionWithException<? super T, Boolean, ? extends Exception> condition,
      ThrowingConsumer<? super T, ? extends Exception> actionIfTrue) {
    return thenConditionallyAccept(condition, actionIfTrue, v -> {});
  }

  @Override
  public <U, V> StateFuture<ConditionalResult<U, V>> thenConditionallyCompose(
      FunctionWithException<? super T, Boolean, ? extends Exception> condition,
      FunctionWithException<? super T, ? extends StateFuture<U>, ? extends Exception> actionIfTrue,
      FunctionWithException<? super T, ? extends StateFuture<V>, ? extends Exception> actionIfFalse) {
    return thenCompose(
        v ->
            test(condition, v)
                ? actionIfTrue.apply(v).thenApply(u -> new ConditionalResult<U, V>(true, u, null))
                : actionIfFalse.apply(v).thenApply(w -> new ConditionalResult<U, V>(false, null, w)));
  }

  @Override
  public <U> StateFuture<ConditionalResult<U, Void>> thenConditionallyCompose(
      FunctionWithException<? super T, Boolean, ? extends Exception> condition,
      FunctionWithException<? super T, ? extends StateFuture<U>, ? extends Exception> actionIfTrue) {
    return thenConditionallyCompose(condition, actionIfTrue, v -> TaskFuture.<Void>completed(null));
  }

  /** Completes {@code target} with {@code source}'s value once it is available. */
  public static <U> void forward(StateFuture<U> source, TaskFuture<U> target) {
    if (source instanceof TaskFuture<U> f && f.done) {
      target.complete(f.value);
    } else {
      source.thenAccept(target::complete);
    }
  }

  private static <A> boolean test(
      FunctionWithException<? super A, Boolean, ? extends Exception> condition, A v) throws Exception {
    Boolean b = condition.apply(v);
    if (b == null) {
      throw new NullPointerException("the condition of thenConditionally… returned null");
    }
    return b;
  }

  private static <A, B> B call(FunctionWithException<? super A, ? extends B, ? extends Exception> fn, A v) {
    try {
      return fn.apply(v);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new StateCallbackException(e);
    }
  }

  private static <A> void run(ThrowingConsumer<? super A, ? extends Exception> action, A v) {
    try {
      action.accept(v);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new StateCallbackException(e);
    }
  }
}
