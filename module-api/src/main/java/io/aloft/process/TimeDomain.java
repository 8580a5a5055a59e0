package io.aloft.process;

/** Which clock a timer is on, as Flink's {@code TimeDomain}. */
public enum TimeDomain {
  /** Fired by watermarks ({@link TimerService#registerEventTimeTimer}). */
  EVENT_TIME,
  /** Fired by the processor's clock ({@link TimerService#registerProcessingTimeTimer}). */
  PROCESSING_TIME
}
