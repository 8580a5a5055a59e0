package io.aloft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.state.ConditionalResult;
import io.aloft.state.StateCallbackException;
import io.aloft.state.StateFuture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskFutureTest {

  private final List<String> events = new ArrayList<>();

  /** The value of a future the test expects to be complete. */
  private static <T> T valueOf(StateFuture<T> future) {
    TaskFuture<T> f = (TaskFuture<T>) future;
    assertThat(f.isDone()).as("future is complete").isTrue();
    return f.valueIfDone();
  }

  private static boolean isDone(StateFuture<?> future) {
    return ((TaskFuture<?>) future).isDone();
  }

  // --- completion and callback order --------------------------------------------------------------

  @Test
  void callbacksRegisteredBeforeCompletionRunInRegistrationOrderAtCompletion() {
    TaskFuture<String> f = new TaskFuture<>();
    f.thenAccept(v -> events.add("first " + v));
    f.thenAccept(v -> events.add("second " + v));
    f.thenAccept(v -> events.add("third " + v));

    assertThat(events).isEmpty();
    f.complete("x");

    assertThat(events).containsExactly("first x", "second x", "third x");
  }

  @Test
  void aCallbackRegisteredAfterCompletionRunsImmediately() {
    TaskFuture<String> f = TaskFuture.completed("x");

    f.thenAccept(v -> events.add("ran " + v));

    assertThat(events).containsExactly("ran x");
  }

  @Test
  void aChainRunsInChainOrder() {
    TaskFuture<Integer> f = new TaskFuture<>();
    f.thenApply(v -> {
          events.add("apply");
          return v + 1;
        })
        .thenCompose(v -> {
          events.add("compose");
          return TaskFuture.completed(v * 10);
        })
        .thenAccept(v -> events.add("accept " + v));

    f.complete(1);

    assertThat(events).containsExactly("apply", "compose", "accept 20");
  }

  @Test
  void completingTwiceIsRejected() {
    TaskFuture<String> f = new TaskFuture<>();
    f.complete("a");

    assertThatThrownBy(() -> f.complete("b")).isInstanceOf(IllegalStateException.class);
    assertThat(f.valueIfDone()).isEqualTo("a");
  }

  @Test
  void theValueOfAnIncompleteFutureIsUnavailable() {
    TaskFuture<String> f = new TaskFuture<>();

    assertThat(f.isDone()).isFalse();
    assertThatThrownBy(f::valueIfDone).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aFutureMayCompleteWithNull() {
    TaskFuture<String> f = new TaskFuture<>();
    StateFuture<Boolean> isNull = f.thenApply(v -> v == null);

    f.complete(null);

    assertThat(valueOf(isNull)).isTrue();
  }

  // --- combinators --------------------------------------------------------------------------------

  @Test
  void thenApplyCompletesWithTheFunctionsResult() {
    TaskFuture<Integer> f = new TaskFuture<>();
    StateFuture<String> applied = f.thenApply(v -> "v=" + v);

    assertThat(isDone(applied)).isFalse();
    f.complete(3);

    assertThat(valueOf(applied)).isEqualTo("v=3");
  }

  @Test
  void thenAcceptCompletesWithNullAfterTheAction() {
    TaskFuture<Integer> f = new TaskFuture<>();
    StateFuture<Void> accepted = f.thenAccept(v -> events.add("saw " + v));

    f.complete(3);

    assertThat(events).containsExactly("saw 3");
    assertThat(valueOf(accepted)).isNull();
  }

  @Test
  void thenComposeCompletesOnlyWhenTheReturnedFutureCompletes() {
    TaskFuture<Integer> f = new TaskFuture<>();
    TaskFuture<String> inner = new TaskFuture<>();
    StateFuture<String> composed = f.thenCompose(v -> inner);

    f.complete(1);
    assertThat(isDone(composed)).isFalse();
    inner.complete("inner");

    assertThat(valueOf(composed)).isEqualTo("inner");
  }

  @Test
  void thenComposeOfAnAlreadyCompletedFutureCompletesAtOnce() {
    StateFuture<String> composed = TaskFuture.completed(1).thenCompose(v -> TaskFuture.completed("v" + v));

    assertThat(valueOf(composed)).isEqualTo("v1");
  }

  @Test
  void thenCombineCompletesWhenTheOtherFutureCompletesLast() {
    TaskFuture<Integer> f = new TaskFuture<>();
    TaskFuture<String> other = new TaskFuture<>();
    StateFuture<String> combined = f.thenCombine(other, (a, b) -> a + b);

    f.complete(1);
    assertThat(isDone(combined)).isFalse();
    other.complete("x");

    assertThat(valueOf(combined)).isEqualTo("1x");
  }

  @Test
  void thenCombineCompletesWhenTheOtherFutureCompletesFirst() {
    TaskFuture<Integer> f = new TaskFuture<>();
    TaskFuture<String> other = new TaskFuture<>();
    StateFuture<String> combined = f.thenCombine(other, (a, b) -> a + b);

    other.complete("x");
    assertThat(isDone(combined)).isFalse();
    f.complete(1);

    assertThat(valueOf(combined)).isEqualTo("1x");
  }

  // --- thenConditionally… -------------------------------------------------------------------------

  @Test
  void conditionallyApplyWithElseRunsTheTrueBranchWhenTheConditionHolds() {
    StateFuture<ConditionalResult<String, Integer>> r =
        TaskFuture.completed(5).thenConditionallyApply(v -> v > 0, v -> "pos " + v, v -> -v);

    assertThat(valueOf(r)).isEqualTo(new ConditionalResult<>(true, "pos 5", null));
    assertThat(valueOf(r).result()).isEqualTo("pos 5");
  }

  @Test
  void conditionallyApplyWithElseRunsTheFalseBranchWhenTheConditionFails() {
    StateFuture<ConditionalResult<String, Integer>> r =
        TaskFuture.completed(-5).thenConditionallyApply(v -> v > 0, v -> "pos " + v, v -> -v);

    assertThat(valueOf(r)).isEqualTo(new ConditionalResult<>(false, null, 5));
    assertThat(valueOf(r).result()).isEqualTo(5);
  }

  @Test
  void conditionallyApplyWithoutElseRunsTheActionWhenTheConditionHolds() {
    StateFuture<ConditionalResult<String, Void>> r =
        TaskFuture.completed(5).thenConditionallyApply(v -> v > 0, v -> "pos " + v);

    assertThat(valueOf(r)).isEqualTo(new ConditionalResult<String, Void>(true, "pos 5", null));
  }

  @Test
  void conditionallyApplyWithoutElseDoesNothingWhenTheConditionFails() {
    StateFuture<ConditionalResult<String, Void>> r =
        TaskFuture.completed(-5)
            .thenConditionallyApply(
                v -> v > 0,
                v -> {
                  events.add("true branch");
                  return "pos";
                });

    assertThat(valueOf(r)).isEqualTo(new ConditionalResult<String, Void>(false, null, null));
    assertThat(events).isEmpty();
  }

  @Test
  void conditionallyAcceptWithElseRunsOnlyTheTrueActionWhenTheConditionHolds() {
    StateFuture<Boolean> r =
        TaskFuture.completed(5)
            .thenConditionallyAccept(v -> v > 0, v -> events.add("true " + v), v -> events.add("false " + v));

    assertThat(valueOf(r)).isTrue();
    assertThat(events).containsExactly("true 5");
  }

  @Test
  void conditionallyAcceptWithElseRunsOnlyTheFalseActionWhenTheConditionFails() {
    StateFuture<Boolean> r =
        TaskFuture.completed(-5)
            .thenConditionallyAccept(v -> v > 0, v -> events.add("true " + v), v -> events.add("false " + v));

    assertThat(valueOf(r)).isFalse();
    assertThat(events).containsExactly("false -5");
  }

  @Test
  void conditionallyAcceptWithoutElseRunsTheActionWhenTheConditionHolds() {
    StateFuture<Boolean> r =
        TaskFuture.completed(5).thenConditionallyAccept(v -> v > 0, v -> events.add("true " + v));

    assertThat(valueOf(r)).isTrue();
    assertThat(events).containsExactly("true 5");
  }

  @Test
  void conditionallyAcceptWithoutElseDoesNothingWhenTheConditionFails() {
    StateFuture<Boolean> r =
        TaskFuture.completed(-5).thenConditionallyAccept(v -> v > 0, v -> events.add("true " + v));

    assertThat(valueOf(r)).isFalse();
    assertThat(events).isEmpty();
  }

  @Test
  void conditionallyComposeWithElseContinuesWithTheTrueFutureWhenTheConditionHolds() {
    TaskFuture<String> ifTrue = new TaskFuture<>();
    StateFuture<ConditionalResult<String, Integer>> r =
        TaskFuture.completed(5)
            .thenConditionallyCompose(v -> v > 0, v -> ifTrue, v -> TaskFuture.completed(-v));

    assertThat(isDone(r)).isFalse();
    ifTrue.complete("pos");

    assertThat(valueOf(r)).isEqualTo(new ConditionalResult<>(true, "pos", null));
  }

  @Test
  void conditionallyComposeWithElseContinuesWithTheFalseFutureWhenTheConditionFails() {
    TaskFuture<Integer> ifFalse = new TaskFuture<>();
    StateFuture<ConditionalResult<String, Integer>> r =
        TaskFuture.completed(-5)
            .thenConditionallyCompose(v -> v > 0, v -> TaskFuture.completed("pos"), v -> ifFalse);

    assertThat(isDone(r)).isFalse();
    ifFalse.complete(5);

    assertThat(valueOf(r)).isEqualTo(new ConditionalResult<>(false, null, 5));
  }

  @Test
  void conditionallyComposeWithoutElseContinuesWithTheFutureWhenTheConditionHolds() {
    TaskFuture<String> ifTrue = new TaskFuture<>();
    StateFuture<ConditionalResult<String, Void>> r =
        TaskFuture.completed(5).thenConditionallyCompose(v -> v > 0, v -> ifTrue);

    assertThat(isDone(r)).isFalse();
    ifTrue.complete("pos");

    assertThat(valueOf(r)).isEqualTo(new ConditionalResult<String, Void>(true, "pos", null));
  }

  @Test
  void conditionallyComposeWithoutElseCompletesAtOnceWhenTheConditionFails() {
    StateFuture<ConditionalResult<String, Void>> r =
        TaskFuture.completed(-5)
            .thenConditionallyCompose(
                v -> v > 0,
                v -> {
                  events.add("true branch");
                  return TaskFuture.completed("pos");
                });

    assertThat(valueOf(r)).isEqualTo(new ConditionalResult<String, Void>(false, null, null));
    assertThat(events).isEmpty();
  }

  @Test
  void aConditionReturningNullIsRejected() {
    assertThatThrownBy(() -> TaskFuture.completed(1).thenConditionallyAccept(v -> null, v -> {}))
        .isInstanceOf(NullPointerException.class);
  }

  // --- exceptions in callbacks --------------------------------------------------------------------

  @Test
  void aCheckedExceptionInACallbackSurfacesAtCompletionAsStateCallbackExceptionWithTheCause() {
    TaskFuture<Integer> f = new TaskFuture<>();
    IOException failure = new IOException("disk gone");
    StateFuture<Integer> derived =
        f.thenApply(
            v -> {
              throw failure;
            });

    assertThatThrownBy(() -> f.complete(1))
        .isInstanceOf(StateCallbackException.class)
        .hasCause(failure);
    assertThat(isDone(derived)).isFalse();
  }

  @Test
  void aCheckedExceptionInACallbackOnACompletedFutureSurfacesAtRegistration() {
    IOException failure = new IOException("disk gone");

    assertThatThrownBy(
            () ->
                TaskFuture.completed(1)
                    .thenAccept(
                        v -> {
                          throw failure;
                        }))
        .isInstanceOf(StateCallbackException.class)
        .hasCause(failure);
  }

  @Test
  void aCheckedExceptionInTheCombineFunctionSurfacesWithTheCause() {
    TaskFuture<Integer> other = new TaskFuture<>();
    Exception failure = new Exception("bad combine");
    TaskFuture.completed(1)
        .thenCombine(
            other,
            (a, b) -> {
              throw failure;
            });

    assertThatThrownBy(() -> other.complete(2))
        .isInstanceOf(StateCallbackException.class)
        .hasCause(failure);
  }

  @Test
  void aCheckedExceptionInAConditionalBranchSurfacesWithTheCause() {
    Exception failure = new Exception("bad branch");

    assertThatThrownBy(
            () ->
                TaskFuture.completed(1)
                    .thenConditionallyAccept(
                        v -> true,
                        v -> {
                          throw failure;
                        }))
        .isInstanceOf(StateCallbackException.class)
        .hasCause(failure);
  }

  @Test
  void anUncheckedExceptionInACallbackSurfacesUnwrapped() {
    IllegalStateException failure = new IllegalStateException("bug");

    assertThatThrownBy(
            () ->
                TaskFuture.completed(1)
                    .thenApply(
                        v -> {
                          throw failure;
                        }))
        .isSameAs(failure);
  }

  // --- forward ------------------------------------------------------------------------------------

  @Test
  void forwardCompletesTheTargetWithTheSourcesValue() {
    TaskFuture<String> source = new TaskFuture<>();
    TaskFuture<String> target = new TaskFuture<>();

    TaskFuture.forward(source, target);
    assertThat(target.isDone()).isFalse();
    source.complete("v");

    assertThat(target.valueIfDone()).isEqualTo("v");
  }
}
