package io.aloft.state;

import io.aloft.internal.TaskFuture;
import java.util.ArrayList;
import java.util.Arrays;
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
  public static <T> StateFuture<Collection<T>> combineAll(
      Collection<? extends StateFuture<? extends T>> futures) {
    int n = futures.size();
    if (n == 0) {
      return TaskFuture.completed(List.of());
    }
    @SuppressWarnings("unchecked")
    T[] results = (T[]) new Object[n];
    int[] remaining = {n};
    TaskFuture<Collection<T>> all = new TaskFuture<>();
    int i = 0;
    for (StateFuture<? extends T> future : futures) {
      int slot = i++;
      future.thenAccept(
          v -> {
            results[slot] = v;
            if (--remaining[0] == 0) {
              all.complete(new ArrayList<>(Arrays.asList(results)));
            }
          });
    }
    return all;
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
