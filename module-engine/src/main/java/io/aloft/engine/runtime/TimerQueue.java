package io.aloft.engine.runtime;

import java.util.Arrays;
import java.util.Comparator;
import java.util.TreeSet;

/**
 * The event-time timers of one processor instance, ordered by timestamp and then by serialized key, so
 * firing order is deterministic. A (key, timestamp) pair is one timer however often it is registered.
 * Owned by the task thread.
 */
final class TimerQueue<K> {

  /** One timer. Equality is by timestamp and serialized key; {@code key} is carried for the callback. */
  record Timer<K>(long timestamp, byte[] keyBytes, int keyGroup, K key) {}

  private final TreeSet<Timer<K>> timers =
      new TreeSet<>(
          Comparator.<Timer<K>>comparingLong(Timer::timestamp)
              .thenComparing(Timer::keyBytes, Arrays::compareUnsigned));

  void register(Timer<K> timer) {
    timers.add(timer);
  }

  void delete(Timer<K> timer) {
    timers.remove(timer);
  }

  /** Removes and returns the earliest timer at or before {@code watermark}, or null. */
  Timer<K> pollDue(long watermark) {
    if (timers.isEmpty() || timers.first().timestamp() > watermark) {
      return null;
    }
    return timers.pollFirst();
  }

  /** Whether a timer at or before {@code watermark} is waiting. */
  boolean hasDue(long watermark) {
    return !timers.isEmpty() && timers.first().timestamp() <= watermark;
  }

  /** Every pending timer, in firing order. */
  java.util.List<Timer<K>> all() {
    return java.util.List.copyOf(timers);
  }

  int size() {
    return timers.size();
  }
}
