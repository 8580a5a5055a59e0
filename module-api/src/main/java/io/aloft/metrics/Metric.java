package io.aloft.metrics;

/** A named metric of a {@link MetricRegistry}: a {@link Counter}, a {@link Gauge} or a {@link Histogram}. */
public sealed interface Metric permits Counter, Gauge, Histogram {
  /** The metric's name in its registry, e.g. {@code forst.cache.hits}. */
  String name();

  /** What it measures, in one sentence (the {@code docs/metrics.md} table's text). */
  String description();

  /** Unit of its values: {@code "1"} (a count), {@code "bytes"}, {@code "nanoseconds"}, {@code "milliseconds"}. */
  String unit();
}
