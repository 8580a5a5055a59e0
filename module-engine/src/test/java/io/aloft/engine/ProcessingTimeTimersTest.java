package io.aloft.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.testkit.ManualClock;
import io.aloft.process.Checkpoint;
import io.aloft.process.Collector;
import io.aloft.process.KeyedJob;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.TimeDomain;
import io.aloft.serde.Serializers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Processing-time timers: fired by the clock, in time order, under their keys, across checkpoints. */
class ProcessingTimeTimersTest {
  @TempDir Path dir;

  /**
   * A record {@code key:delay[:cancel]} sets a processing-time timer {@code delay} ms from now (and,
   * with {@code cancel}, deletes it again); a timer emits {@code key@time domain}.
   */
  static final class Delays extends KeyedProcessFunction<String, String, String> {
    @Override
    public void processElement(String record, Context<String> context, Collector<String> out) {
      String[] parts = record.split(":");
      long time = context.timerService().currentProcessingTime() + Long.parseLong(parts[1]);
      context.timerService().registerProcessingTimeTimer(time);
      if (parts.length > 2) {
        context.timerService().deleteProcessingTimeTimer(time);
      }
      assertThat(context.timeDomain()).isNull();
    }

    @Override
    public void onTimer(long timestamp, Context<String> context, Collector<String> out) {
      out.collect(context.currentKey() + "@" + timestamp + " " + context.timeDomain());
    }
  }

  private Config config(String backend) {
    return Config.empty()
        .with("state.backend.type", backend)
        .with("execution.checkpointing.dir", "file://" + dir.resolve("checkpoints"))
        .with("state.backend.forst.local-dir", dir.resolve("local").toString());
  }

  private static String key(String record) {
    return record.substring(0, record.indexOf(':'));
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "forst"})
  void timersFireInTimeOrderOnceTheClockReachesThemAndSurviveACheckpoint(String backend) {
    ManualClock clock = new ManualClock();
    long start = clock.millis();
    List<String> out = new ArrayList<>();
    Checkpoint checkpoint;
    try (Aloft aloft = Aloft.create(config(backend))) {
      KeyedProcessor<String, String, String> processor =
          aloft
              .<String, String, String>keyedProcessor(new Delays())
              .name("delays")
              .keySelector(ProcessingTimeTimersTest::key)
              .keySerializer(Serializers.STRING)
              .clock(clock)
              .output(out::add)
              .build();
      processor.processElement("b:300");
      processor.processElement("a:100");
      processor.processElement("c:200:cancel");
      processor.processElement("d:500");
      processor.advanceProcessingTime();
      assertThat(out).isEmpty();

      clock.advance(Duration.ofMillis(300));
      processor.advanceProcessingTime();
      processor.drain();
      assertThat(out)
          .containsExactly(
              "a@" + (start + 100) + " PROCESSING_TIME", "b@" + (start + 300) + " PROCESSING_TIME");
      checkpoint = processor.checkpoint(1);
      processor.close();
    }
    out.clear();
    try (Aloft aloft = Aloft.create(config(backend))) {
      KeyedProcessor<String, String, String> restored =
          aloft
              .<String, String, String>keyedProcessor(new Delays())
              .name("delays")
              .keySelector(ProcessingTimeTimersTest::key)
              .keySerializer(Serializers.STRING)
              .clock(clock)
              .output(out::add)
              .restoreFrom(checkpoint.location())
              .build();
      clock.advance(Duration.ofMillis(200));
      restored.advanceProcessingTime();
      restored.drain();
      assertThat(out).containsExactly("d@" + (start + 500) + " " + TimeDomain.PROCESSING_TIME);
      restored.close();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void aJobsSubtasksFireTheirTimersWhileIdle(int parallelism) throws InterruptedException {
    ManualClock clock = new ManualClock();
    List<String> out = Collections.synchronizedList(new ArrayList<>());
    try (Aloft aloft = Aloft.create(config("hashmap"));
        KeyedJob<String, String> job =
            aloft
                .<String, String, String>keyedJob(Delays::new)
                .keySelector(ProcessingTimeTimersTest::key)
                .keySerializer(Serializers.STRING)
                .parallelism(parallelism)
                .clock(clock)
                .output(out::add)
                .build()) {
      for (int i = 0; i < 20; i++) {
        job.processElement("key-" + i + ":" + (10 * i + 10));
      }
      job.drain();
      assertThat(out).isEmpty();
      clock.advance(Duration.ofMillis(1_000));
      // No more input: the subtasks look at their clocks while idle (bounded wait, no time asserted).
      for (int i = 0; i < 500 && out.size() < 20; i++) {
        Thread.sleep(10);
      }
      assertThat(out).hasSize(20).allSatisfy(r -> assertThat(r).endsWith("PROCESSING_TIME"));
    }
  }
}
