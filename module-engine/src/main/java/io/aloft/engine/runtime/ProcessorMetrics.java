package io.aloft.engine.runtime;

import io.aloft.engine.async.AsyncExecutionController;
import io.aloft.engine.checkpoint.CheckpointStore;
import io.aloft.engine.metrics.JmxExport;
import io.aloft.engine.metrics.LogHistogram;
import io.aloft.engine.metrics.MetricCatalog;
import io.aloft.engine.metrics.Registry;
import io.aloft.process.Checkpoint;
import io.aloft.spi.backend.KeyedStateBackend;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The metrics of one processor instance: its {@link Registry} (tags {@code processor}, {@code
 * instance}), what the runtime records into it (records, checkpoints, the restore), and its JMX MBean.
 * The backend's and the checkpoint store's metrics are read from their {@code metrics()} maps.
 */
final class ProcessorMetrics {
  private final Registry registry;
  private final LogHistogram accessLatency;
  private final LogHistogram checkpointDuration;
  private final LongAdder recordsIn = new LongAdder();
  private final LongAdder checkpointBytes = new LongAdder();
  private volatile long checkpoints;
  private volatile long lastCheckpointMillis;
  private volatile long lastCheckpointBytes;
  private final JmxExport jmx;

  /** {@code processor}: the processor's name; {@code instance}: {@code <index>of<parallelism>}. */
  ProcessorMetrics(String processor, String instance, KeyedProcessorImpl.MetricsSettings settings, KeyedStateBackend backend, CheckpointStore store) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("processor", processor);
    tags.put("instance", instance);
    registry = new Registry(tags);
    registry.counter(MetricCatalog.RECORDS_IN, recordsIn::sum);
    accessLatency = registry.histogram(MetricCatalog.STATE_ACCESS_LATENCY);
    registry.source(backend::metrics);
    if (store != null) {
      registry.source(store::metrics);
      registry.counter(MetricCatalog.CHECKPOINTS, () -> checkpoints);
      checkpointDuration = registry.histogram(MetricCatalog.CHECKPOINT_DURATION);
      registry.gauge(MetricCatalog.CHECKPOINT_LAST_DURATION, () -> lastCheckpointMillis);
      registry.gauge(MetricCatalog.CHECKPOINT_LAST_SIZE, () -> lastCheckpointBytes);
      registry.counter(MetricCatalog.CHECKPOINT_BYTES, checkpointBytes::sum);
    } else {
      checkpointDuration = null;
    }
    if (settings.restoreMillis() > 0 || settings.restoreBytes() > 0) {
      long millis = settings.restoreMillis();
      long bytes = settings.restoreBytes();
      registry.gauge(MetricCatalog.RESTORE_DURATION, () -> millis);
      registry.gauge(MetricCatalog.RESTORE_SIZE, () -> bytes);
    }
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("name", processor);
    keys.put("instance", instance);
    jmx = settings.jmx() ? JmxExport.register(registry, "KeyedProcessor", keys) : null;
  }

  Registry registry() {
    return registry;
  }

  /** Where sync state calls record their latency (async ones: the controller, see {@link #async}). */
  LogHistogram accessLatency() {
    return accessLatency;
  }

  /** Registers the async controller's gauges and histograms; its access latencies go to {@link #accessLatency}'s metric. */
  void async(AsyncExecutionController aec) {
    aec.metrics(registry, accessLatency);
  }

  void recordIn() {
    recordsIn.increment();
  }

  void checkpointed(Checkpoint checkpoint) {
    long millis = checkpoint.duration().toMillis();
    checkpointDuration.record(millis);
    lastCheckpointMillis = millis;
    lastCheckpointBytes = checkpoint.bytesWritten();
    checkpointBytes.add(checkpoint.bytesWritten());
    checkpoints++;
  }

  /** Keeps the last values (the backend is closing) and withdraws the MBean. */
  void close() {
    registry.freeze();
    if (jmx != null) {
      jmx.close();
    }
  }
}
