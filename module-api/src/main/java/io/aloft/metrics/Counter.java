package io.aloft.metrics;

/** A count that only grows while its processor lives (requests sent, bytes written). Thread-safe to read. */
public non-sealed interface Counter extends Metric {
  /** The count so far. */
  long count();
}
