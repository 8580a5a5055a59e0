package io.aloft.metrics.micrometer;

import io.aloft.metrics.Counter;
import io.aloft.metrics.Gauge;
import io.aloft.metrics.Histogram;
import io.aloft.metrics.Metric;
import io.aloft.metrics.MetricRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A Micrometer {@link MeterBinder} for one Aloft {@link MetricRegistry}: every metric becomes meters
 * named {@code <prefix><metric>} ({@code aloft.forst.cache.hits}) tagged with the registry's tags
 * ({@code processor} and {@code instance}, or {@code job}) and any extra tags:
 *
 * <ul>
 *   <li>a counter: a {@link FunctionCounter};
 *   <li>a gauge: a {@link io.micrometer.core.instrument.Gauge};
 *   <li>a histogram in nanoseconds or milliseconds: a {@link FunctionTimer} (count and total time),
 *       and gauges {@code .max}, {@code .p50}, {@code .p95}, {@code .p99} in its unit;
 *   <li>another histogram (sizes, counts): a function counter {@code .count} and gauges {@code .sum},
 *       {@code .max}, {@code .p50}, {@code .p95}, {@code .p99}.
 * </ul>
 *
 * <p>Meters read the registry when the meter registry asks (no copies, no background thread). Flink's
 * names for the same metrics are not bound a second time. Metrics that appear after binding (a storage
 * provider's {@code forst.storage.requests.<operation>} counts appear with the first request) are
 * added by calling {@link #bindTo} again: meters already bound are kept.
 *
 * <p>Micrometer knows a meter by its name and tags, and a processor restored in the same JVM has the
 * same tags as the one it replaces: {@link #close()} the binder when its processor or job closes, which
 * removes its meters, so that the next binder's meters read the new processor rather than the closed
 * one's last values.
 */
public final class AloftMeterBinder implements MeterBinder, AutoCloseable {
  private static final String[] PERCENTILES = {"max", "p50", "p95", "p99"};

  private final MetricRegistry metrics;
  private final String prefix;
  private final Tags tags;
  private final List<Bound> bound = new CopyOnWriteArrayList<>();

  private record Bound(MeterRegistry registry, Meter meter) {}

  /** Binds {@code metrics} with the prefix {@code aloft.} and the registry's own tags. */
  public AloftMeterBinder(MetricRegistry metrics) {
    this(metrics, "aloft.", Tags.empty());
  }

  /** Binds {@code metrics} with {@code prefix} before each name and {@code extraTags} beside the registry's tags. */
  public AloftMeterBinder(MetricRegistry metrics, String prefix, Iterable<Tag> extraTags) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    Tags t = Tags.of(extraTags);
    for (Map.Entry<String, String> e : metrics.tags().entrySet()) {
      t = t.and(e.getKey(), e.getValue());
    }
    this.tags = t;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (Map.Entry<String, Metric> e : metrics.metrics().entrySet()) {
      Metric m = e.getValue();
      if (!e.getKey().equals(m.name())) {
        continue; // Flink's name for a metric bound under Aloft's
      }
      String name = prefix + m.name();
      String unit = "1".equals(m.unit()) ? null : m.unit();
      if (m instanceof Counter c) {
        keep(registry, FunctionCounter.builder(name, c, Counter::count)
            .description(m.description()).baseUnit(unit).tags(tags).register(registry));
      } else if (m instanceof Gauge g) {
        keep(registry, io.micrometer.core.instrument.Gauge.builder(name, g, Gauge::value)
            .description(m.description()).baseUnit(unit).tags(tags).register(registry));
      } else if (m instanceof Histogram h) {
        bindHistogram(registry, name, h, unit);
      }
    }
  }

  private void bindHistogram(MeterRegistry registry, String name, Histogram h, String unit) {
    TimeUnit time =
        "nanoseconds".equals(unit) ? TimeUnit.NANOSECONDS : "milliseconds".equals(unit) ? TimeUnit.MILLISECONDS : null;
    if (time != null) {
      keep(registry, FunctionTimer.builder(name, h, x -> x.snapshot().count(), x -> x.snapshot().sum(), time)
          .description(h.description()).tags(tags).register(registry));
    } else {
      keep(registry, FunctionCounter.builder(name + ".count", h, x -> x.snapshot().count())
          .description(h.description() + " (values recorded)").tags(tags).register(registry));
      gauge(registry, name + ".sum", h, x -> x.snapshot().sum(), unit, "sum");
    }
    for (String p : PERCENTILES) {
      ToDoubleFunction<Histogram> read =
          switch (p) {
            case "max" -> x -> x.snapshot().max();
            case "p50" -> x -> x.snapshot().p50();
            case "p95" -> x -> x.snapshot().p95();
            default -> x -> x.snapshot().p99();
          };
      gauge(registry, name + "." + p, h, read, unit, p);
    }
  }

  private void gauge(
      MeterRegistry registry, String name, Histogram h, ToDoubleFunction<Histogram> read, String unit, String what) {
    keep(registry, io.micrometer.core.instrument.Gauge.builder(name, h, read)
        .description(what + " of: " + h.description()).baseUnit(unit).tags(tags).register(registry));
  }

  private void keep(MeterRegistry registry, Meter meter) {
    Bound b = new Bound(registry, meter);
    if (!bound.contains(b)) {
      bound.add(b);
    }
  }

  /** Removes every meter this binder registered from the registries it was bound to. */
  @Override
  public void close() {
    for (Bound b : bound) {
      b.registry().remove(b.meter());
    }
    bound.clear();
  }
}
