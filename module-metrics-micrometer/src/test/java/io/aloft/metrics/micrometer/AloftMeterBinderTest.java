package io.aloft.metrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A processor's registry read through Micrometer's SimpleMeterRegistry. */
class AloftMeterBinderTest {
  @TempDir Path dir;

  static final class Count extends KeyedProcessFunction<String, String, String> {
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

  @Test
  void aSimpleMeterRegistryReadsCountersGaugesAndTimersWithTheProcessorsTags() {
    Config config =
        Config.empty()
            .with("state.backend.type", "forst")
            .with("execution.checkpointing.dir", dir.resolve("chk").toUri().toString())
            .with("state.backend.forst.local-dir", dir.resolve("local").toString())
            .with("state.backend.forst.writebuffer.size", "256kb")
            .with("aloft.metrics.jmx.enabled", "false");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Aloft aloft = Aloft.create(config);
        KeyedProcessor<String, String, String> p =
            aloft
                .<String, String, String>keyedProcessor(new Count())
                .name("clicks")
                .keySelector(r -> r)
                .keySerializer(Serializers.STRING)
                .output(r -> {})
                .build()) {
      AloftMeterBinder binder = new AloftMeterBinder(p.metricRegistry());
      binder.bindTo(meters);
      for (int i = 0; i < 10_000; i++) {
        p.processElement("user-" + (i % 2000) + "-" + "x".repeat(40));
      }
      p.drain();
      p.checkpoint(1);

      Tags tags = Tags.of("processor", "clicks", "instance", "0of1");
      FunctionCounter records = meters.get("aloft.records.in").tags(tags).functionCounter();
      assertThat(records.count()).isEqualTo(10_000);
      assertThat(meters.get("aloft.forst.flushes").functionCounter().count()).isPositive();
      assertThat(meters.get("aloft.forst.remote.bytes.written").functionCounter().getId().getBaseUnit())
          .isEqualTo("bytes");
      Gauge inFlight = meters.get("aloft.async.in-flight-records").gauge();
      assertThat(inFlight.value()).isZero();
      assertThat(meters.get("aloft.forst.live-bytes").gauge().value()).isPositive();

      FunctionTimer latency = meters.get("aloft.state.access-latency").functionTimer();
      assertThat(latency.count()).isBetween(20_000.0 - 16, 20_000.0); // one in 16 timed, counted as 16
      assertThat(latency.totalTime(TimeUnit.NANOSECONDS)).isPositive();
      assertThat(meters.get("aloft.state.access-latency.p99").gauge().value())
          .isGreaterThanOrEqualTo(meters.get("aloft.state.access-latency.p50").gauge().value());
      assertThat(meters.get("aloft.checkpoint.duration").functionTimer().count()).isEqualTo(1);

      // a size histogram: a count and gauges
      assertThat(meters.get("aloft.async.batch-size.count").functionCounter().count()).isPositive();
      assertThat(meters.get("aloft.async.batch-size.sum").gauge().value()).isGreaterThanOrEqualTo(20_000);

      // Flink's names are the same metrics: not bound twice
      assertThat(meters.find("aloft.numInFlightRecords").meters()).isEmpty();
      assertThat(meters.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags()).containsAll(tags));

      // binding again adds nothing twice
      int bound = meters.getMeters().size();
      new AloftMeterBinder(p.metricRegistry()).bindTo(meters);
      assertThat(meters.getMeters()).hasSize(bound);
      assertThat(meters.getMeters().stream().map(Meter::getId).map(Meter.Id::getType).distinct())
          .contains(Meter.Type.COUNTER, Meter.Type.GAUGE, Meter.Type.TIMER);

      binder.close(); // its processor goes: so do its meters
      assertThat(meters.getMeters()).isEmpty();
    }
  }
}
