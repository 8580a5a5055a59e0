package io.aloft.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.internal.TaskFuture;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateFuturesTest {

  /** A StateIterator over an in-memory list, completing every future at once. */
  private static final class ListIterator<T> implements StateIterator<T> {
    private final List<T> elements;

    ListIterator(List<T> elements) {
      this.elements = elements;
    }

    @Override
    public <U> StateFuture<Collection<U>> onNext(
        FunctionWithException<T, StateFuture<? extends U>, ? extends Exception> iterating) {
      List<StateFuture<? extends U>> futures = new ArrayList<>();
      for (T e : elements) {
        try {
          futures.add(iterating.apply(e));
        } catch (Exception ex) {
          throw new StateCallbackException(ex);
        }
      }
      return StateFutures.combineAll(futures);
    }

    @Override
    public StateFuture<Void> onNext(ThrowingConsumer<T, ? extends Exception> iterating) {
      for (T e : elements) {
        try {
          iterating.accept(e);
        } catch (Exception ex) {
          throw new StateCallbackException(ex);
        }
      }
      return StateFutures.completedVoidFuture();
    }

    @Override
    public boolean isEmpty() {
      return elements.isEmpty();
    }
  }

  /** The value of a future the test expects to be complete. */
  private static <T> T valueOf(StateFuture<T> future) {
    TaskFuture<T> f = (TaskFuture<T>) future;
    assertThat(f.isDone()).as("future is complete").isTrue();
    return f.valueIfDone();
  }

  @Test
  void completedFutureHasTheValue() {
    assertThat(valueOf(StateFutures.completedFuture("v"))).isEqualTo("v");
  }

  @Test
  void completedVoidFutureIsCompleteWithNull() {
    assertThat(valueOf(StateFutures.completedVoidFuture())).isNull();
  }

  @Test
  void combineAllKeepsTheOrderOfTheFuturesNotOfTheirCompletion() {
    TaskFuture<String> a = new TaskFuture<>();
    TaskFuture<String> b = new TaskFuture<>();
    TaskFuture<String> c = new TaskFuture<>();
    StateFuture<Collection<String>> all = StateFutures.combineAll(List.of(a, b, c));

    c.complete("c");
    a.complete("a");
    b.complete("b");

    assertThat(valueOf(all)).containsExactly("a", "b", "c");
  }

  @Test
  void combineAllCompletesOnlyWhenEveryFutureHasCompleted() {
    TaskFuture<Integer> a = new TaskFuture<>();
    TaskFuture<Integer> b = new TaskFuture<>();
    TaskFuture<Collection<Integer>> all = (TaskFuture<Collection<Integer>>) StateFutures.combineAll(List.of(a, b));

    a.complete(1);
    assertThat(all.isDone()).isFalse();
    b.complete(2);

    assertThat(all.valueIfDone()).containsExactly(1, 2);
  }

  @Test
  void combineAllKeepsNullResults() {
    StateFuture<Collection<String>> all =
        StateFutures.combineAll(List.of(StateFutures.completedFuture("a"), StateFutures.<String>completedFuture(null)));

    assertThat(valueOf(all)).containsExactly("a", null);
  }

  @Test
  void combineAllOfNoFuturesIsCompleteAndEmpty() {
    assertThat(valueOf(StateFutures.<String>combineAll(List.of()))).isEmpty();
  }

  @Test
  void toIterableLoadsEveryElementInOrder() {
    StateFuture<StateIterator<String>> iterator =
        StateFutures.completedFuture(new ListIterator<>(List.of("x", "y", "z")));

    assertThat(valueOf(StateFutures.toIterable(iterator))).containsExactly("x", "y", "z");
  }

  @Test
  void toIterableOfAnEmptyIteratorIsEmpty() {
    StateFuture<StateIterator<String>> iterator = StateFutures.completedFuture(new ListIterator<>(List.of()));

    assertThat(valueOf(StateFutures.toIterable(iterator))).isEmpty();
  }

  @Test
  void toIterableCompletesWhenTheIteratorArrives() {
    TaskFuture<StateIterator<Integer>> pending = new TaskFuture<>();
    TaskFuture<Iterable<Integer>> iterable = (TaskFuture<Iterable<Integer>>) StateFutures.toIterable(pending);

    assertThat(iterable.isDone()).isFalse();
    pending.complete(new ListIterator<>(List.of(1, 2)));

    assertThat(iterable.valueIfDone()).containsExactly(1, 2);
  }
}
