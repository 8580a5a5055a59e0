package io.aloft.process;

/**
 * Timers of the current key per namespace — a window, say — beside a {@link
 * io.aloft.state.NamespacedState}: what Flink's window operators set per window. When one fires,
 * {@code onTimer} runs under its key with {@link KeyedProcessFunction.Context#timerNamespace()} telling
 * its namespace, so two windows that end at the same time stay apart. Kept in the state backend like
 * every timer (checkpointed, restored, rescaled); a (key, namespace, time) triple is one timer. Event-time
 * and processing-time timers of all namespaces fire in time order with the plain ones.
 *
 * @param <N> namespace type
 */
public interface NamespacedTimers<N> {

  void registerEventTimeTimer(N namespace, long time);

  void deleteEventTimeTimer(N namespace, long time);

  void registerProcessingTimeTimer(N namespace, long time);

  void deleteProcessingTimeTimer(N namespace, long time);
}
