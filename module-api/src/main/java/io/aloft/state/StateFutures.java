package io.aloft.state;

import io.aloft.internal.TaskFuture;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Factories and combinators for {@link StateFuture}s. */
public final class StateFutures {
  private StateFutures() {}

  /** A future that is already completed with {@code value}. */
  public static <T> StateFuture<T> completedFuture(T value) {
    return TaskFuture.completed(value);
  }

  /** A future that is already completed with no value. */
  public static StateFuture<Void> completedVoidFuture() {
    return TaskFuture.completed(null);
  }

  /**
   * Completes with all results, in the order of {@code futures}, once every future has completed.
   */
  @SuppressWarnings("unchecked")
  public static <T> StateFuture<Collection<T>> combineAll(
      Collection<? extends StateFuture<? extends T>> futures) {
    return (StateFuture<Collection<T>>) (StateFuture<?>) TaskFuture.allOf(new ArrayList<>(futures));
  }

  /** Loads every element of the iterator into an {@link Iterable}. */
  public static <T> StateFuture<Iterable<T>> toIterable(StateFuture<StateIterator<T>> future) {
    return future.thenCompose(
        iterator -> {
          List<T> elements = new ArrayList<>();
          return iterator
              .onNext(
                  e -> {
                    elements.add(e);
                  })
              .thenApply(v -> (Iterable<T>) elements);
        });
  }
}
