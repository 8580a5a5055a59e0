package io.aloft.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.traces.Span;
import org.apache.flink.traces.reporter.TraceReporter;
import org.apache.flink.traces.reporter.TraceReporterFactory;

/**
 * A Flink trace reporter that keeps the attributes of Flink's {@code JobInitialization} spans, which
 * Flink reports after every start from a checkpoint (the first one, and each failover): {@code
 * maxInitializeStateDurationMs} is the longest time a subtask spent restoring its state and opening its
 * operators. Configured on the cluster with {@code traces.reporters: bench} and {@code
 * traces.reporter.bench.factory.class: io.aloft.benchmarks.FlinkSpans$Factory}.
 */
public final class FlinkSpans implements TraceReporter {

  private static final List<Map<String, Object>> INITIALIZATIONS = new CopyOnWriteArrayList<>();

  /** The attributes of the {@code JobInitialization} spans reported so far, and forgets them. */
  static List<Map<String, Object>> takeInitializations() {
    List<Map<String, Object>> taken = List.copyOf(INITIALIZATIONS);
    INITIALIZATIONS.removeAll(taken);
    return taken;
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedSpan(Span span) {
    if (span.getName().equals("JobInitialization")) {
      INITIALIZATIONS.add(Map.copyOf(span.getAttributes()));
    }
  }

  /** Found through {@code META-INF/services}. */
  public static final class Factory implements TraceReporterFactory {
    @Override
    public TraceReporter createTraceReporter(Properties properties) {
      return new FlinkSpans();
    }
  }
}
