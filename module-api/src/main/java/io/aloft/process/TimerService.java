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
}
