package io.aloft.state;

/**
 * The states of one descriptor per namespace — a window, say — of the current key: what Flink's window
 * operators keep per window. {@code states.in(window)} is the current key's state in that namespace;
 * reads, writes, clears and a map's iteration stay within it, and each namespace of each key is one
 * more row (or set of rows) of the state's table, in the layout that reserves the namespace
 * ({@code docs/state-layout.md}).
 *
 * @param <N> namespace type
 * @param <S> state type ({@link ValueState}, {@link ListState}, {@link MapState}, {@link
 *     ReducingState}, {@link AggregatingState})
 */
public interface NamespacedState<N, S extends State> {

  /**
   * The current key's state in {@code namespace}. Use it while the record (or timer, or callback) that
   * asked is current, as any state of the current key.
   */
  S in(N namespace);
}
