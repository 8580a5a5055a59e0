package io.aloft.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.metrics.Counter;
import io.aloft.metrics.Gauge;
import io.aloft.metrics.Histogram;
import io.aloft.metrics.Metric;
import io.aloft.metrics.MetricRegistry;
import io.aloft.process.Checkpoint;
import io.aloft.process.Collector;
import io.aloft.process.KeyedJob;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A processor's and a job's metric registries through the public API: typed metrics with Flink's
 * names too, checkpoint and restore metrics, values kept after close, and the same values read as JMX
 * MBeans through the platform MBean server.
 */
class MetricsTest {
  @TempDir Path dir;

  private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

  private Config forst() {
    return Config.empty()
        .with("state.backend.type", "forst")
        .with("execution.checkpointing.dir", dir.resolve("chk").toUri().toString())
        .with("state.backend.forst.local-dir", dir.resolve("local").toString())
        .with("state.backend.forst.writebuffer.size", "256kb");
  }

  /** Counts records per key with async state calls, so that reads and writes go through batches. */
  static final class AsyncCount extends KeyedProcessFunction<String, String, String> {
    private ValueState<Long> count;

    @Override
    public void open(StateContext context) {
      count = context.getState(new ValueStateDescriptor<>("count", Serializers.LONG));
    }

    @Override
    public void processElement(String record, Context<String> context, Collector<String> out) {
      count.asyncValue().thenAccept(c -> count.asyncUpdate(c == null ? 1 : c + 1));
    }
  }

  private KeyedProcessor<String, String, String> processor(Aloft aloft, String name, Checkpoint from) {
    var builder =
        aloft
            .<String, String, String>keyedProcessor(new AsyncCount())
            .name(name)
            .keySelector(r -> r)
            .keySerializer(Serializers.STRING)
            .output(r -> {});
    if (from != null) {
      builder.restoreFrom(from.location());
    }
    return builder.build();
  }

  private static long count(MetricRegistry r, String name) {
    Metric m = r.metric(name).orElseThrow(() -> new AssertionError("no metric " + name + " in " + r.metrics().keySet()));
    return m instanceof Counter c ? c.count() : ((Gauge) m).value();
  }

  private static Histogram.Snapshot histogram(MetricRegistry r, String name) {
    return ((Histogram) r.metric(name).orElseThrow()).snapshot();
  }

  @Test
  void aProcessorsRegistryHasTypedMetricsWithFlinksNamesAndKeepsThemAfterClose() throws Exception {
    MetricRegistry registry;
    Checkpoint checkpoint;
    try (Aloft aloft = Aloft.create(forst())) {
      KeyedProcessor<String, String, String> p = processor(aloft, "counts", null);
      registry = p.metricRegistry();
      assertThat(registry.tags()).containsEntry("processor", "counts").containsEntry("instance", "0of1");
      for (int i = 0; i < 20_000; i++) {
        p.processElement("key-" + (i % 5000) + "-" + "x".repeat(30));
      }
      for (int i = 0; i < 100; i++) {
        p.processElement("hot"); // each queues behind the one before: its requests wait for a batch
      }
      p.drain();
      checkpoint = p.checkpoint(1);

      assertThat(count(registry, "records.in")).isEqualTo(20_100);
      assertThat(registry.metric("records.in").orElseThrow()).isInstanceOf(Counter.class);
      assertThat(registry.metric("async.in-flight-records").orElseThrow()).isInstanceOf(Gauge.class);
      assertThat(count(registry, "async.in-flight-records")).isZero(); // drained
      assertThat(count(registry, "async.max-in-flight-records")).isPositive();
      assertThat(count(registry, "async.batches")).isPositive();
      // Flink's names are the same metrics
      assertThat(registry.metric("numInFlightRecords").orElseThrow()).isInstanceOf(Gauge.class);
      assertThat(count(registry, "rocksdb.flush_write_bytes")).isEqualTo(count(registry, "forst.bytes-flushed"));

      Histogram.Snapshot latency = histogram(registry, "state.access-latency");
      // a read and a write per record, one in 16 timed and counted as 16
      assertThat(latency.count()).isBetween(40_200L - 16, 40_200L);
      assertThat(latency.count() % 16).isZero();
      assertThat(latency.p50()).isPositive().isLessThanOrEqualTo(latency.p99());
      assertThat(latency.p99()).isLessThanOrEqualTo(latency.max());
      Histogram.Snapshot batches = histogram(registry, "async.batch-size");
      assertThat(batches.count()).isEqualTo(count(registry, "async.batches"));
      assertThat(batches.sum()).isGreaterThanOrEqualTo(40_200);
      Histogram.Snapshot queued = histogram(registry, "async.key-queue-depth");
      assertThat(queued.count()).isGreaterThanOrEqualTo(99);
      assertThat(queued.max()).isPositive(); // later "hot" records found earlier ones queued

      assertThat(count(registry, "forst.flushes")).isPositive();
      assertThat(count(registry, "forst.remote.requests.write")).isPositive();
      assertThat(count(registry, "forst.remote.bytes.written")).isGreaterThanOrEqualTo(count(registry, "forst.bytes-flushed"));
      assertThat(count(registry, "forst.live-bytes")).isPositive();
      assertThat(count(registry, "forst.compaction-debt-bytes")).isNotNegative();

      assertThat(count(registry, "checkpoint.completed")).isEqualTo(1);
      assertThat(count(registry, "numberOfCompletedCheckpoints")).isEqualTo(1);
      assertThat(histogram(registry, "checkpoint.duration").count()).isEqualTo(1);
      assertThat(count(registry, "checkpoint.last-size")).isEqualTo(checkpoint.bytesWritten());
      assertThat(count(registry, "lastCheckpointDuration")).isEqualTo(checkpoint.duration().toMillis());
      assertThat(count(registry, "checkpoint.retained")).isEqualTo(1);
      assertThat(registry.metric("restore.duration")).isEmpty(); // not restored

      long flushed = count(registry, "forst.bytes-flushed");
      p.close();
      // closed: the last values stay
      assertThat(count(registry, "records.in")).isEqualTo(20_100);
      assertThat(count(registry, "forst.bytes-flushed")).isEqualTo(flushed);

      try (KeyedProcessor<String, String, String> restored = processor(aloft, "counts", checkpoint)) {
        MetricRegistry r = restored.metricRegistry();
        assertThat(count(r, "restore.duration")).isPositive();
        assertThat(count(r, "RestoreStateDurationMs")).isEqualTo(count(r, "restore.duration"));
        assertThat(count(r, "restore.size")).isPositive().isEqualTo(count(r, "RestoredStateSizeBytes"));
      }
    }
  }

  @Test
  void aProcessorsMetricsAreAnMBeanWhileItRuns() throws Exception {
    ObjectName name = new ObjectName("io.aloft:type=KeyedProcessor,name=jmx-counts,instance=0of1");
    try (Aloft aloft = Aloft.create(forst())) {
      try (KeyedProcessor<String, String, String> p = processor(aloft, "jmx-counts", null)) {
        for (int i = 0; i < 1000; i++) {
          p.processElement("k" + (i % 10));
        }
        p.drain();
        assertThat(JMX.isRegistered(name)).isTrue();
        assertThat(JMX.getAttribute(name, "records.in")).isEqualTo(1000L);
        assertThat(JMX.getAttribute(name, "numInFlightRecords")).isEqualTo(0L);
        assertThat((Long) JMX.getAttribute(name, "state.access-latency.count")).isBetween(2000L - 16, 2000L);
        assertThat(JMX.getAttribute(name, "state.access-latency.mean")).isInstanceOf(Double.class);
        assertThat((Long) JMX.getAttribute(name, "state.access-latency.p99"))
            .isGreaterThanOrEqualTo((Long) JMX.getAttribute(name, "state.access-latency.p50"));
        var info = JMX.getMBeanInfo(name);
        assertThat(info.getAttributes())
            .anySatisfy(a -> {
              assertThat(a.getName()).isEqualTo("forst.flushes");
              assertThat(a.getType()).isEqualTo("long");
              assertThat(a.getDescription()).contains("Memtables flushed");
            });
      }
      assertThat(JMX.isRegistered(name)).isFalse();
    }
  }

  @Test
  void aJobsMBeanCombinesItsSubtasks() throws Exception {
    ObjectName name = new ObjectName("io.aloft:type=KeyedJob,name=job-counts");
    MetricRegistry registry;
    try (Aloft aloft = Aloft.create(forst());
        KeyedJob<String, String> job =
            aloft
                .<String, String, String>keyedJob(AsyncCount::new)
                .name("job-counts")
                .parallelism(3)
                .keySelector(r -> r)
                .keySerializer(Serializers.STRING)
                .output(r -> {})
                .build()) {
      for (int i = 0; i < 3000; i++) {
        job.processElement("k" + (i % 300));
      }
      job.drain();
      registry = job.metricRegistry();
      assertThat(registry.tags()).isEqualTo(Map.of("job", "job-counts"));
      assertThat(count(registry, "records.in")).isEqualTo(3000);
      assertThat(histogram(registry, "state.access-latency").count()).isBetween(6000L - 3 * 16, 6000L);
      assertThat(count(registry, "checkpoint.completed")).isZero();
      assertThat(count(registry, "job.queued-records")).isZero();
      assertThat(JMX.getAttribute(name, "records.in")).isEqualTo(3000L);
      for (int i = 0; i < 3; i++) {
        ObjectName subtask = new ObjectName("io.aloft:type=KeyedProcessor,name=job-counts,instance=" + i + "of3");
        assertThat((Long) JMX.getAttribute(subtask, "records.in")).isPositive();
      }
    }
    assertThat(JMX.isRegistered(name)).isFalse();
    assertThat(count(registry, "records.in")).isEqualTo(3000); // after close
  }

  @Test
  void jmxCanBeSwitchedOff() throws Exception {
    ObjectName name = new ObjectName("io.aloft:type=KeyedProcessor,name=no-jmx,instance=0of1");
    try (Aloft aloft = Aloft.create(forst().with("aloft.metrics.jmx.enabled", "false"));
        KeyedProcessor<String, String, String> p = processor(aloft, "no-jmx", null)) {
      p.processElement("a");
      p.drain();
      assertThat(JMX.isRegistered(name)).isFalse();
      assertThat(count(p.metricRegistry(), "records.in")).isEqualTo(1);
    }
  }

  @Test
  void twoLiveProcessorsOfOneNameGetTwoMBeans() throws Exception {
    try (Aloft aloft = Aloft.create(forst().with("execution.checkpointing.dir", dir.resolve("other").toUri().toString()));
        KeyedProcessor<String, String, String> first = processor(aloft, "twice", null)) {
      try (Aloft second = Aloft.create(forst());
          KeyedProcessor<String, String, String> p = processor(second, "twice", null)) {
        assertThat(JMX.isRegistered(new ObjectName("io.aloft:type=KeyedProcessor,name=twice,instance=0of1"))).isTrue();
        assertThat(JMX.isRegistered(new ObjectName("io.aloft:type=KeyedProcessor,name=twice,instance=0of1,run=2")))
            .isTrue();
      }
    }
  }
}
