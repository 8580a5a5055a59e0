package io.aloft.metrics;

/**
 * A distribution of recorded values (state access latencies, batch sizes, checkpoint durations) since
 * the processor started. Percentiles are estimated from logarithmic buckets, within 1/8 (12.5 %) of
 * the true value. Thread-safe to read.
 */
public non-sealed interface Histogram extends Metric {
  /** The values recorded so far, summarised. */
  Snapshot snapshot();

  /**
   * A summary of a histogram's values.
   *
   * @param count values recorded
   * @param sum their sum
   * @param min the smallest (0 when none)
   * @param max the largest (0 when none)
   * @param p50 the median, estimated
   * @param p95 the 95th percentile, estimated
   * @param p99 the 99th percentile, estimated
   */
  record Snapshot(long count, long sum, long min, long max, long p50, long p95, long p99) {
    /** The mean, 0 when no value was recorded. */
    public double mean() {
      return count == 0 ? 0 : (double) sum / count;
    }
  }
}
