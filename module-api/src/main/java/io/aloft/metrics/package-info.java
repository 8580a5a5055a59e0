/**
 * Metrics of a keyed processor or job, typed for monitoring systems: {@link io.aloft.metrics.Counter}s
 * (monotonic counts), {@link io.aloft.metrics.Gauge}s (values now) and {@link
 * io.aloft.metrics.Histogram}s (distributions of latencies and sizes), held by a {@link
 * io.aloft.metrics.MetricRegistry} per processor or job. The engine exports every registry as a JMX MBean
 * (domain {@code io.aloft}); the optional module {@code io.aloft.metrics.micrometer} binds one to any
 * Micrometer registry. Every metric, with its Flink name where Flink has one, is listed in {@code
 * docs/metrics.md}.
 */
package io.aloft.metrics;
