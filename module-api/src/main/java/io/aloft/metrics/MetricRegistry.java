package io.aloft.metrics;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The metrics of one keyed processor (one instance) or one keyed job. Names are stable and listed in
 * {@code docs/metrics.md}; where Flink has a metric for the same thing, the same metric object is also
 * listed under Flink's name ({@code numInFlightRecords}, {@code forst.fileCache.hit}, …): there, the key
 * differs from the metric's {@link Metric#name()}, which is always Aloft's. Safe to read from any
 * thread, while the processor runs and after it closed (the last values stay).
 */
public interface MetricRegistry {
  /**
   * What the registry belongs to, as tags for monitoring systems: {@code processor} and {@code
   * instance} (e.g. {@code clicks}, {@code 0of2}) for a processor, {@code job} for a job.
   */
  Map<String, String> tags();

  /** Every metric by name, sorted, Flink's names included (an entry whose key is not its metric's name). */
  SortedMap<String, Metric> metrics();

  /** The metric named {@code name}, if there is one. */
  default Optional<Metric> metric(String name) {
    return Optional.ofNullable(metrics().get(name));
  }
}
