package io.aloft.engine.metrics;

import io.aloft.metrics.Counter;
import io.aloft.metrics.Gauge;
import io.aloft.metrics.Metric;
import io.aloft.metrics.MetricRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A job's {@link MetricRegistry}: every metric its subtasks' processors have, combined as {@link
 * MetricSpec#jobValue()} says (most counters and gauges summed; maxima, last durations, checkpoints
 * taken and the JVM-wide provider request counts the largest subtask's; histograms merged), plus the job's own ({@link #own()}: {@code job.queued-records}). Subtasks that
 * have not started yet count as absent; closed ones keep their last values.
 */
public final class JobRegistry implements MetricRegistry {
  private final Registry own;
  private final Supplier<List<MetricRegistry>> parts;
  private final Map<String, Metric> combined = new ConcurrentHashMap<>();

  /** {@code parts}: the subtasks' registries started so far. */
  public JobRegistry(Map<String, String> tags, Supplier<List<MetricRegistry>> parts) {
    this.own = new Registry(tags);
    this.parts = parts;
  }

  /** The job's own metrics, registered by the job. */
  public Registry own() {
    return own;
  }

  @Override
  public Map<String, String> tags() {
    return own.tags();
  }

  @Override
  public SortedMap<String, Metric> metrics() {
    for (MetricRegistry part : parts.get()) {
      for (Map.Entry<String, Metric> e : part.metrics().entrySet()) {
        String name = e.getKey();
        MetricSpec spec = MetricCatalog.byName(name);
        if (spec != null && name.equals(e.getValue().name()) && !combined.containsKey(name)) { // not Flink's name
          Metric m = combine(spec);
          combined.putIfAbsent(name, m);
          if (spec.flinkName() != null) {
            combined.putIfAbsent(spec.flinkName(), m);
          }
        }
      }
    }
    SortedMap<String, Metric> all = new TreeMap<>(combined);
    all.putAll(own.metrics());
    return Collections.unmodifiableSortedMap(all);
  }

  private List<Metric> each(String name) {
    List<Metric> found = new ArrayList<>();
    for (MetricRegistry part : parts.get()) {
      part.metric(name).ifPresent(found::add);
    }
    return found;
  }

  private Metric combine(MetricSpec spec) {
    return switch (spec.kind()) {
      case COUNTER -> new CombinedCounter(spec, this);
      case GAUGE -> new CombinedGauge(spec, this);
      case HISTOGRAM -> new MergedHistogram(spec, this);
    };
  }

  /** The job's value of {@code spec}: each subtask's value (read by {@code read}) summed, or the largest. */
  private long combined(MetricSpec spec, java.util.function.ToLongFunction<Metric> read) {
    long v = 0;
    for (Metric m : each(spec.name())) {
      long x = read.applyAsLong(m);
      v = spec.jobValue() == MetricSpec.JobValue.MAX ? Math.max(v, x) : v + x;
    }
    return v;
  }

  private static String combinedDescription(MetricSpec spec) {
    return spec.description() + (spec.jobValue() == MetricSpec.JobValue.MAX ? " (largest subtask)" : " (all subtasks)");
  }

  private record CombinedCounter(MetricSpec spec, JobRegistry job) implements Counter {
    @Override public long count() { return job.combined(spec, m -> ((Counter) m).count()); }
    @Override public String name() { return spec.name(); }
    @Override public String description() { return combinedDescription(spec); }
    @Override public String unit() { return spec.unit(); }
  }

  private record CombinedGauge(MetricSpec spec, JobRegistry job) implements Gauge {
    @Override public long value() { return job.combined(spec, m -> ((Gauge) m).value()); }
    @Override public String name() { return spec.name(); }
    @Override public String description() { return combinedDescription(spec); }
    @Override public String unit() { return spec.unit(); }
  }

  private record MergedHistogram(MetricSpec spec, JobRegistry job) implements io.aloft.metrics.Histogram {
    @Override
    public Snapshot snapshot() {
      List<LogHistogram> histograms = new ArrayList<>();
      for (Metric m : job.each(spec.name())) {
        if (m instanceof LogHistogram h) {
          histograms.add(h);
        }
      }
      return LogHistogram.merge(histograms);
    }

    @Override public String name() { return spec.name(); }
    @Override public String description() { return spec.description() + " (all subtasks)"; }
    @Override public String unit() { return spec.unit(); }
  }
}
