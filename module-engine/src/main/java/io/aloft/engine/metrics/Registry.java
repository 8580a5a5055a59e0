package io.aloft.engine.metrics;

import io.aloft.metrics.Counter;
import io.aloft.metrics.Gauge;
import io.aloft.metrics.Metric;
import io.aloft.metrics.MetricRegistry;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@link MetricRegistry} of a processor or job. Counters and gauges read their value where it is
 * kept (the tree's counters, the controller's fields) when asked; a <em>source</em> (a backend's {@code
 * metrics()} map) adds a metric for each name it reports that {@link MetricCatalog} lists, found again
 * on each {@link #metrics()} (a provider's request counts appear with the first request). {@link
 * #freeze()} keeps the last values once what they read is gone, so a closed processor's registry still
 * answers.
 */
public final class Registry implements MetricRegistry {
  private final Map<String, String> tags;
  private final ConcurrentSkipListMap<String, Metric> metrics = new ConcurrentSkipListMap<>();
  private final List<Supplier<Map<String, Long>>> sources = new CopyOnWriteArrayList<>();
  private volatile boolean frozen;

  public Registry(Map<String, String> tags) {
    this.tags = Collections.unmodifiableMap(new TreeMap<>(tags));
  }

  @Override
  public Map<String, String> tags() {
    return tags;
  }

  @Override
  public SortedMap<String, Metric> metrics() {
    if (!frozen) {
      for (Supplier<Map<String, Long>> source : sources) {
        discover(source);
      }
    }
    return Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
  }

  /** A counter whose count {@code value} reads. */
  public Counter counter(MetricSpec spec, LongSupplier value) {
    check(spec, MetricSpec.Kind.COUNTER);
    return add(spec, new ReadCounter(spec, value));
  }

  /** A gauge whose value {@code value} reads. */
  public Gauge gauge(MetricSpec spec, LongSupplier value) {
    check(spec, MetricSpec.Kind.GAUGE);
    return add(spec, new ReadGauge(spec, value));
  }

  /** A histogram the caller records into. */
  public LogHistogram histogram(MetricSpec spec) {
    check(spec, MetricSpec.Kind.HISTOGRAM);
    return add(spec, new LogHistogram(spec));
  }

  /**
   * Adds the listed metrics {@code values} reports, now and whenever it reports new names. One reading
   * of the map serves every metric read within {@link #SOURCE_READING_NANOS} (a scrape reads them all). {@code values} is called from any thread.
   */
  public void source(Supplier<Map<String, Long>> values) {
    Supplier<Map<String, Long>> cached = new CachedSource(values);
    sources.add(cached);
    discover(cached);
  }

  /**
   * How long one reading of a source's map serves reads of its metrics: 1 ms, long enough for one
   * scrape of every metric, too short for anyone to see a value older than the work before the read.
   */
  static final long SOURCE_READING_NANOS = 1_000_000L;

  /** The last reading of a source, taken again once older than {@link #SOURCE_READING_NANOS}. */
  private static final class CachedSource implements Supplier<Map<String, Long>> {
    private record Reading(Map<String, Long> values, long nanos) {}

    private final Supplier<Map<String, Long>> source;
    private volatile Reading last;

    CachedSource(Supplier<Map<String, Long>> source) {
      this.source = source;
    }

    @Override
    public Map<String, Long> get() {
      Reading r = last;
      long now = System.nanoTime();
      if (r == null || now - r.nanos() > SOURCE_READING_NANOS) {
        r = new Reading(source.get(), now);
        last = r;
      }
      return r.values();
    }
  }

  @Override
  public java.util.Optional<Metric> metric(String name) {
    return java.util.Optional.ofNullable(metrics.get(name));
  }

  /** Every counter and gauge keeps its last value from now on (call before what they read closes). */
  public void freeze() {
    metrics(); // the last names
    frozen = true;
    sources.clear(); // what they read may be released
    for (Metric m : metrics.values()) {
      if (m instanceof Read r) {
        r.freeze();
      }
    }
  }

  private void discover(Supplier<Map<String, Long>> source) {
    Map<String, Long> now;
    try {
      now = source.get();
    } catch (RuntimeException e) {
      return; // a closing backend: nothing new to find
    }
    for (String name : now.keySet()) {
      if (metrics.containsKey(name)) {
        continue;
      }
      MetricSpec spec = MetricCatalog.byName(name);
      if (spec == null) {
        continue; // unlisted: the catalog and docs/metrics.md are the contract
      }
      LongSupplier read = () -> source.get().getOrDefault(name, 0L);
      if (spec.kind() == MetricSpec.Kind.COUNTER) {
        addFound(spec, new ReadCounter(spec, read));
      } else if (spec.kind() == MetricSpec.Kind.GAUGE) {
        addFound(spec, new ReadGauge(spec, read));
      }
    }
  }

  private static void check(MetricSpec spec, MetricSpec.Kind kind) {
    if (spec.kind() != kind) {
      throw new IllegalArgumentException(spec.name() + " is a " + spec.kind() + ", not a " + kind);
    }
  }

  private <M extends Metric> M add(MetricSpec spec, M metric) {
    Metric earlier = metrics.putIfAbsent(spec.name(), metric);
    if (earlier != null) {
      throw new IllegalStateException("metric " + spec.name() + " is registered twice");
    }
    if (spec.flinkName() != null) {
      metrics.putIfAbsent(spec.flinkName(), metric); // the same metric: its name() stays Aloft's
    }
    return metric;
  }

  /** A metric a source reports: two readers (JMX, a scrape, the job) may find it at once, one wins. */
  private void addFound(MetricSpec spec, Metric metric) {
    if (metrics.putIfAbsent(spec.name(), metric) == null && spec.flinkName() != null) {
      metrics.putIfAbsent(spec.flinkName(), metric);
    }
  }

  /** Reads a value where it is kept, remembering the last one read. */
  private abstract static class Read {
    private final MetricSpec spec;
    private volatile LongSupplier value;
    private volatile long last;

    Read(MetricSpec spec, LongSupplier value) {
      this.spec = spec;
      this.value = Objects.requireNonNull(value);
    }

    final long read() {
      try {
        last = value.getAsLong();
      } catch (RuntimeException e) {
        // what it reads is closing: the last value stands
      }
      return last;
    }

    final void freeze() {
      long v = read();
      value = () -> v;
    }

    public final String name() {
      return spec.name();
    }

    public final String description() {
      return spec.description();
    }

    public final String unit() {
      return spec.unit();
    }
  }

  private static final class ReadCounter extends Read implements Counter {
    ReadCounter(MetricSpec spec, LongSupplier value) {
      super(spec, value);
    }

    @Override
    public long count() {
      return read();
    }
  }

  private static final class ReadGauge extends Read implements Gauge {
    ReadGauge(MetricSpec spec, LongSupplier value) {
      super(spec, value);
    }

    @Override
    public long value() {
      return read();
    }
  }
}
