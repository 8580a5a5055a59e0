package io.aloft.state;

/**
 * The outcome of a {@code thenConditionally…} step: which branch ran and what it produced. Flink returns
 * a {@code Tuple2<Boolean, Object>} here; Aloft keeps both branch types.
 *
 * @param condition the value the condition returned
 * @param ifTrue the result of the true branch, or {@code null} when it did not run
 * @param ifFalse the result of the false branch, or {@code null} when it did not run (or there is none)
 * @param <U> result type of the true branch
 * @param <V> result type of the false branch
 */
public record ConditionalResult<U, V>(boolean condition, U ifTrue, V ifFalse) {

  /** The result of whichever branch ran ({@code null} when the branch that ran produced null). */
  public Object result() {
    return condition ? ifTrue : ifFalse;
  }
}
