package io.aloft.metrics;

/** A value now (records in flight, bytes cached), which may go up and down. Thread-safe to read. */
public non-sealed interface Gauge extends Metric {
  /** The value now. */
  long value();
}
