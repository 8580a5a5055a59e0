package io.aloft.engine.keyedstate;

import io.aloft.state.StateFuture;
import java.util.List;
import java.util.function.Supplier;

/**
 * Some elements of an iteration, and how to load the ones after them.
 *
 * @param elements the elements of this page, in order
 * @param next loads the next page; {@code null} when this is the last
 */
record Page<T>(List<T> elements, Supplier<StateFuture<Page<T>>> next) {

  static <T> Page<T> last(List<T> elements) {
    return new Page<>(elements, null);
  }
}
