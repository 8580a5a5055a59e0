/**
 * Binds Aloft's metric registries ({@link io.aloft.metrics.MetricRegistry}: a keyed processor's or job's)
 * to any Micrometer {@code MeterRegistry}, so that Prometheus, OTLP, Datadog and the other registries
 * Micrometer supports read them. Optional: the engine exports JMX MBeans without it.
 */
module io.aloft.metrics.micrometer {
  requires transitive io.aloft.api;
  requires transitive micrometer.core;

  exports io.aloft.metrics.micrometer;
}
