package io.aloft.engine.keyedstate;

import io.aloft.state.FunctionWithException;
import io.aloft.state.StateFuture;
import io.aloft.state.StateFutures;
import io.aloft.state.StateIterator;
import io.aloft.state.ThrowingConsumer;
import io.aloft.internal.TaskFuture;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A {@link StateIterator} over pages: the first page is loaded when the iterator is handed out (so
 * {@link #isEmpty()} needs no request), later pages as iteration reaches them.
 */
final class PagedStateIterator<T> implements StateIterator<T> {
  private final Page<T> first;
  private boolean consumed; // task thread

  PagedStateIterator(Page<T> first) {
    this.first = first;
  }

  @Override
  public boolean isEmpty() {
    return first.elements().isEmpty();
  }

  @Override
  public <U> StateFuture<Collection<U>> onNext(
      FunctionWithException<T, StateFuture<? extends U>, ? extends Exception> iterating) {
    List<StateFuture<? extends U>> results = new ArrayList<>();
    return visit(first, e -> results.add(iterating.apply(e)))
        .thenCompose(done -> StateFutures.combineAll(results));
  }

  @Override
  public StateFuture<Void> onNext(ThrowingConsumer<T, ? extends Exception> iterating) {
    return visit(first, iterating);
  }

  private StateFuture<Void> visit(Page<T> page, ThrowingConsumer<T, ? extends Exception> action) {
    if (page == first) {
      if (consumed) {
        throw new IllegalStateException("a StateIterator can be iterated once");
      }
      consumed = true;
    }
    for (T element : page.elements()) {
      try {
        action.accept(element);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new io.aloft.state.StateCallbackException(e);
      }
    }
    if (page.next() == null) {
      return TaskFuture.completed(null);
    }
    return page.next().get().thenCompose(next -> visit(next, action));
  }
}
