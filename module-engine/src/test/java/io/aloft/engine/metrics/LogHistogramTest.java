package io.aloft.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aloft.metrics.Histogram;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The histogram's buckets and percentiles against exact values. */
class LogHistogramTest {

  @Test
  void everyValueFallsInTheBucketWhoseBoundsHoldIt() {
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      long v = i < 1000 ? i : (random.nextLong() >>> 1) >>> random.nextInt(63); // non-negative, as recorded
      int b = LogHistogram.bucket(v);
      assertThat(b).isBetween(0, LogHistogram.BUCKETS - 1);
      assertThat(v).as("value %d in bucket %d", v, b).isBetween(LogHistogram.lowerBound(b), LogHistogram.upperBound(b));
    }
    assertThat(LogHistogram.bucket(Long.MAX_VALUE)).isEqualTo(LogHistogram.BUCKETS - 1);
  }

  @Test
  void percentilesAreWithinAnEighthOfTheExactValue() {
    for (long seed = 0; seed < 20; seed++) {
      Random random = new Random(seed);
      LogHistogram h = new LogHistogram(MetricCatalog.STATE_ACCESS_LATENCY);
      int n = 1 + random.nextInt(20_000);
      long[] values = new long[n];
      for (int i = 0; i < n; i++) {
        // log-normal-ish latencies from 1 µs to ~100 ms
        values[i] = (long) Math.exp(7 + random.nextGaussian() * 2.5);
        h.record(values[i]);
      }
      Arrays.sort(values);
      Histogram.Snapshot s = h.snapshot();
      assertThat(s.count()).isEqualTo(n);
      assertThat(s.min()).isEqualTo(values[0]);
      assertThat(s.max()).isEqualTo(values[n - 1]);
      assertThat(s.sum()).isEqualTo(Arrays.stream(values).sum());
      assertThat(s.mean()).isCloseTo(Arrays.stream(values).average().orElseThrow(), within(1e-6));
      assertNear(s.p50(), exact(values, 0.50));
      assertNear(s.p95(), exact(values, 0.95));
      assertNear(s.p99(), exact(values, 0.99));
    }
  }

  @Test
  void smallValuesAreExactAndAnEmptyHistogramIsZero() {
    LogHistogram h = new LogHistogram(MetricCatalog.BATCH_SIZE);
    assertThat(h.snapshot()).isEqualTo(new Histogram.Snapshot(0, 0, 0, 0, 0, 0, 0));
    for (int i = 0; i < 100; i++) {
      h.record(i % 4); // 0, 1, 2, 3
    }
    h.record(-5); // counts as 0
    Histogram.Snapshot s = h.snapshot();
    assertThat(s.count()).isEqualTo(101);
    assertThat(s.min()).isZero();
    assertThat(s.max()).isEqualTo(3);
    assertThat(s.p50()).isEqualTo(1);
    assertThat(s.p99()).isEqualTo(3);
  }

  @Test
  void mergedHistogramsAgreeWithOneHoldingAllValues() {
    Random random = new Random(11);
    LogHistogram all = new LogHistogram(MetricCatalog.BATCH_SIZE);
    LogHistogram a = new LogHistogram(MetricCatalog.BATCH_SIZE);
    LogHistogram b = new LogHistogram(MetricCatalog.BATCH_SIZE);
    for (int i = 0; i < 5000; i++) {
      long v = random.nextInt(1_000_000);
      all.record(v);
      (i % 3 == 0 ? a : b).record(v);
    }
    assertThat(LogHistogram.merge(List.of(a, b))).isEqualTo(all.snapshot());
  }

  private static long exact(long[] sorted, double q) {
    return sorted[(int) Math.max(0, Math.ceil(q * sorted.length) - 1)];
  }

  private static void assertNear(long estimate, long exact) {
    assertThat((double) Math.abs(estimate - exact)).as("estimate %d of %d", estimate, exact).isLessThanOrEqualTo(exact / 8.0 + 1);
  }
}
