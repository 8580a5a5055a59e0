package io.aloft.engine.metrics;

import io.aloft.metrics.Histogram;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Histogram} over log-linear buckets, as HdrHistogram with 3 bits of precision or RocksDB's
 * {@code HistogramImpl}: values below 8 are counted exactly, larger ones in 8 buckets per power of two,
 * so a percentile is off by at most 1/8 of its value (it reports the bucket's middle, clamped to the
 * recorded min and max). Recording is lock-free and allocation-free; one histogram holds every value a
 * processor recorded since it started (488 counters, 4 KiB).
 */
public final class LogHistogram implements Histogram {
  private static final int SUB_BUCKETS = 8; // per power of two: 3 bits of precision
  static final int BUCKETS = SUB_BUCKETS + (63 - 3) * SUB_BUCKETS;

  private final MetricSpec spec;
  private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
  private final LongAdder count = new LongAdder();
  private final LongAdder sum = new LongAdder();
  private final LongAccumulator min = new LongAccumulator(Math::min, Long.MAX_VALUE);
  private final LongAccumulator max = new LongAccumulator(Math::max, Long.MIN_VALUE);

  LogHistogram(MetricSpec spec) {
    this.spec = spec;
  }

  /** Records {@code value}; negative values count as 0. */
  public void record(long value) {
    record(value, 1);
  }

  /**
   * Records {@code value} as {@code weight} values: a sample standing for that many (count and sum
   * then estimate the whole population; min, max and percentiles are unaffected).
   */
  public void record(long value, int weight) {
    long v = Math.max(0, value);
    // min and max first: a snapshot that sees the bucket's count sees a valid range
    min.accumulate(v);
    max.accumulate(v);
    buckets.addAndGet(bucket(v), weight);
    count.add(weight);
    sum.add(v * weight);
  }

  static int bucket(long v) {
    if (v < SUB_BUCKETS) {
      return (int) v;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(v); // >= 3
    int sub = (int) (v >>> (exponent - 3)) & (SUB_BUCKETS - 1);
    return SUB_BUCKETS + (exponent - 3) * SUB_BUCKETS + sub;
  }

  /** The smallest value of bucket {@code index}. */
  static long lowerBound(int index) {
    if (index < SUB_BUCKETS) {
      return index;
    }
    int exponent = (index - SUB_BUCKETS) / SUB_BUCKETS + 3;
    int sub = (index - SUB_BUCKETS) % SUB_BUCKETS;
    return (long) (SUB_BUCKETS + sub) << (exponent - 3);
  }

  /** The largest value of bucket {@code index}. */
  static long upperBound(int index) {
    if (index < SUB_BUCKETS) {
      return index;
    }
    int exponent = (index - SUB_BUCKETS) / SUB_BUCKETS + 3;
    return lowerBound(index) + (1L << (exponent - 3)) - 1;
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public String description() {
    return spec.description();
  }

  @Override
  public String unit() {
    return spec.unit();
  }

  @Override
  public Snapshot snapshot() {
    return merge(List.of(this));
  }

  /** One snapshot of the values of several histograms together (a job's subtasks). */
  static Snapshot merge(List<LogHistogram> histograms) {
    long[] counts = new long[BUCKETS];
    long n = 0;
    long total = 0;
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (LogHistogram h : histograms) {
      for (int i = 0; i < BUCKETS; i++) {
        long c = h.buckets.get(i);
        counts[i] += c;
        n += c; // the buckets' own total, so that percentiles agree with it under concurrent records
      }
      total += h.sum.sum();
      lo = Math.min(lo, h.min.get());
      hi = Math.max(hi, h.max.get());
    }
    if (n == 0 || lo > hi) {
      return new Snapshot(0, 0, 0, 0, 0, 0, 0);
    }
    return new Snapshot(
        n, total, lo, hi, percentile(counts, n, 0.50, lo, hi), percentile(counts, n, 0.95, lo, hi),
        percentile(counts, n, 0.99, lo, hi));
  }

  private static long percentile(long[] counts, long n, double q, long lo, long hi) {
    long rank = Math.max(1, (long) Math.ceil(q * n));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        long middle = lowerBound(i) + (upperBound(i) - lowerBound(i)) / 2;
        return Math.max(lo, Math.min(hi, middle));
      }
    }
    return hi;
  }
}
