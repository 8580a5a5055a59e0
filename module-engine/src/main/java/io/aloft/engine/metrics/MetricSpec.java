package io.aloft.engine.metrics;

/**
 * What one metric is: its name, kind, unit and meaning, Flink's name for the same thing (null when
 * Flink has none), and how a job combines its subtasks' values. {@link MetricCatalog} holds them all.
 */
public record MetricSpec(
    String name, Kind kind, String unit, String description, String flinkName, JobValue jobValue) {

  /** The three kinds of metric of {@code io.aloft.metrics}. */
  public enum Kind {
    COUNTER,
    GAUGE,
    HISTOGRAM
  }

  /** A job's value of a metric: the sum over its subtasks, or the largest. Histograms merge. */
  public enum JobValue {
    SUM,
    MAX
  }

  static MetricSpec counter(String name, String unit, String description, String flinkName) {
    return new MetricSpec(name, Kind.COUNTER, unit, description, flinkName, JobValue.SUM);
  }

  static MetricSpec gauge(String name, String unit, String description, String flinkName) {
    return new MetricSpec(name, Kind.GAUGE, unit, description, flinkName, JobValue.SUM);
  }

  static MetricSpec gaugeMax(String name, String unit, String description, String flinkName) {
    return new MetricSpec(name, Kind.GAUGE, unit, description, flinkName, JobValue.MAX);
  }

  static MetricSpec histogram(String name, String unit, String description, String flinkName) {
    return new MetricSpec(name, Kind.HISTOGRAM, unit, description, flinkName, JobValue.SUM);
  }
}
