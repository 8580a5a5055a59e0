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
 * <p>Order: a future made by the runtime for a state request carries the runtime's {@link
 * CallbackOrder}, and every future derived from it inherits it. A callback attached to such a future
 * before it completes gets its place in the order when attached and runs when the order says (still on
 * the task thread); the plumbing that only passes values on ({@link #forward}, the joins of {@link
 * #thenCombine} and {@link #allOf}, {@link #map}) runs at completion and takes no place, so it never
 * holds anything up.
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
  private CallbackOrder order; // null: callbacks run at completion
  private List<Pending<T>> callbacks; // lazily created: most futures get zero or one callback

  /** A callback waiting for completion; {@code place} is null for plumbing and unordered futures. */
  private record Pending<T>(Object place, Consumer<T> callback) {}

  /** A future whose callbacks run as soon as it completes. */
  public TaskFuture() {}

  /** A future whose callbacks, and those of every future derived from it, run when {@code order} says. */
  public TaskFuture(CallbackOrder order) {
    this.order = order;
  }

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
    List<Pending<T>> waiting = callbacks;
    callbacks = null;
    if (waiting != null) {
      for (Pending<T> p : waiting) {
        if (p.place() == null) {
          p.callback().accept(result);
        } else {
          Consumer<T> callback = p.callback();
          order.ready(p.place(), () -> callback.accept(result));
        }
      }
    }
  }

  /** Attaches a callback that runs user code: it takes its place in the order when there is one. */
  private void whenDone(Consumer<T> callback) {
    if (done) {
      callback.accept(value);
      return;
    }
    add(new Pending<>(order == null ? null : order.attach(), callback));
  }

  /** Attaches plumbing: it runs at completion, whatever the order, and must not run user code. */
  private void whenDoneUnordered(Consumer<T> callback) {
    if (done) {
      callback.accept(value);
      return;
    }
    add(new Pending<>(null, callback));
  }

  private void add(Pending<T> pending) {
    if (callbacks == null) {
      callbacks = new ArrayList<>(2);
    }
    callbacks.add(pending);
  }

  /** A derived future, ordered like this one. */
  private <U> TaskFuture<U> derived() {
    return new TaskFuture<>(order);
  }

  /**
   * A future of {@code fn} applied to this one's value, for the state layer's own conversions: {@code
   * fn} must be pure (no state access, no user code with effects), because it runs at completion
   * without taking a place in the order.
   */
  public <U> TaskFuture<U> map(java.util.function.Function<? super T, ? extends U> fn) {
    TaskFuture<U> next = derived();
    whenDoneUnordered(v -> next.complete(fn.apply(v)));
    return next;
  }

  @Override
  public <U> StateFuture<U> thenApply(
      FunctionWithException<? super T, ? extends U, ? extends Exception> fn) {
    TaskFuture<U> next = derived();
    whenDone(v -> next.complete(call(fn, v)));
    return next;
  }

  @Override
  public StateFuture<Void> thenAccept(ThrowingConsumer<? super T, ? extends Exception> action) {
    TaskFuture<Void> next = derived();
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
    TaskFuture<U> next = derived();
    whenDone(v -> forward(call(fn, v), next));
    return next;
  }

  @Override
  public <U, V> StateFuture<V> thenCombine(
      StateFuture<? extends U> other,
      BiFunctionWithException<? super T, ? super U, ? extends V, ? extends Exception> fn) {
    TaskFuture<? extends U> that = of(other);
    TaskFuture<V> next = new TaskFuture<>(order != null ? order : that.order);
    if (done && that.done) {
      next.complete(apply(fn, value, that.value));
      return next;
    }
    // fn is user code: its place is here, where it is attached; the two arrivals are plumbing.
    CallbackOrder o = next.order;
    Object place = o == null ? null : o.attach();
    int[] missing = {2};
    Runnable join =
        () -> {
          if (--missing[0] == 0) {
            Runnable both = () -> next.complete(apply(fn, value, that.value));
            if (place == null) {
              both.run();
            } else {
              o.ready(place, both);
            }
          }
        };
    whenDoneUnordered(v -> join.run());
    that.whenDoneUnordered(u -> join.run());
    return next;
  }

  private static <A, B, C> C apply(
      BiFunctionWithException<? super A, ? super B, ? extends C, ? extends Exception> fn, A a, B b) {
    try {
      return fn.apply(a, b);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new StateCallbackException(e);
    }
  }

  /**
   * Completes with every value, in the order of {@code futures}, once all have completed. The joining
   * is plumbing: only the callbacks attached to the result take places in the order.
   */
  public static <T> TaskFuture<List<T>> allOf(List<? extends StateFuture<? extends T>> futures) {
    int n = futures.size();
    CallbackOrder order = null;
    List<TaskFuture<? extends T>> all = new ArrayList<>(n);
    for (StateFuture<? extends T> f : futures) {
      TaskFuture<? extends T> t = of(f);
      all.add(t);
      if (order == null) {
        order = t.order;
      }
    }
    TaskFuture<List<T>> result = new TaskFuture<>(order);
    @SuppressWarnings("unchecked")
    T[] values = (T[]) new Object[n];
    int[] missing = {n};
    if (n == 0) {
      result.complete(new ArrayList<>());
      return result;
    }
    for (int i = 0; i < n; i++) {
      int slot = i;
      TaskFuture<? extends T> t = all.get(i);
      t.whenDoneUnordered(
          v -> {
            values[slot] = v;
            if (--missing[0] == 0) {
              result.complete(new ArrayList<>(java.util.Arrays.asList(values)));
            }
          });
    }
    return result;
  }

  /** The task future behind {@code future}: TaskFuture is the only implementation the API hands out. */
  @SuppressWarnings("unchecked")
  private static <U> TaskFuture<U> of(StateFuture<U> future) {
    if (future instanceof TaskFuture<U> t) {
      return t;
    }
    TaskFuture<U> t = new TaskFuture<>();
    future.thenAccept(t::complete);
    return t;
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
    TaskFuture<U> from = of(source);
    if (target.order == null) {
      target.order = from.order; // a compose on a completed future still orders what follows
    }
    from.whenDoneUnordered(target::complete);
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
