package io.aloft.process;

/**
 * Event-time timers of the current key. A timer fires once, under its key, when a watermark at or past
 * its timestamp arrives, after every record before that watermark has been processed. Registering the
 * same timestamp twice for one key registers one timer.
 */
public interface TimerService {

  /**
   * The last watermark the processor received, {@link Long#MIN_VALUE} before the first. In {@code
   * onTimer} (and its callbacks) it is the watermark that fired the timer, as in Flink; records
   * processed before that watermark see the previous one.
   */
  long currentWatermark();

  /** The processing time, from the processor's clock, in epoch milliseconds. */
  long currentProcessingTime();

  /** Registers a timer for the current key at {@code timestamp}. */
  void registerEventTimeTimer(long timestamp);

  /** Deletes the current key's timer at {@code timestamp}, if there is one. */
  void deleteEventTimeTimer(long timestamp);

  /**
   * Registers a processing-time timer for the current key at {@code time} (epoch milliseconds on the
   * processor's clock, the one TTL reads). It fires on the task thread, in time order with the other
   * processing-time timers, once the clock has reached it: a {@link KeyedJob} checks its subtasks' clocks
   * between inputs and while idle; a processor driven by hand fires due timers in {@link
   * KeyedProcessor#advanceProcessingTime()}. Kept in the state backend like event-time timers, so it
   * survives checkpoints and rescaling; a (key, time) pair is one timer.
   */
  void registerProcessingTimeTimer(long time);

  /** Deletes the current key's processing-time timer at {@code time}, if there is one. */
  void deleteProcessingTimeTimer(long time);
}
