package io.aloft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.process.Collector;
import io.aloft.process.KeyGroups;
import io.aloft.process.KeyedJob;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.Output;
import io.aloft.process.ProcessingException;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** A keyed job: routing by key group, one output, watermarks, back-pressure, failures. */
class KeyedJobTest {
  @TempDir Path dir;

  /** Counts records per key with async state; emits {@code key=count} per record, {@code key@t} per timer. */
  static final class Counter extends KeyedProcessFunction<String, String, String> {
    private ValueState<Integer> count;

    @Override
    public void open(StateContext context) {
      count = context.getState(new ValueStateDescriptor<>("count", Serializers.INT));
    }

    @Override
    public void processElement(String key, Context<String> context, Collector<String> out) {
      if (context.timestamp() != null) {
        context.timerService().registerEventTimeTimer(context.timestamp());
      }
      count
          .asyncValue()
          .thenAccept(
              n -> {
                int next = n == null ? 1 : n + 1;
                count.asyncUpdate(next);
                out.collect(key + "=" + next);
              });
    }

    @Override
    public void onTimer(long timestamp, Context<String> context, Collector<String> out) {
      out.collect(context.currentKey() + "@" + timestamp);
    }
  }

  /** Everything the job emitted, in emission order; its watermarks. */
  static final class Recorder implements Output<String> {
    final List<String> records = new ArrayList<>(); // the job calls one at a time
    final List<Long> watermarks = new ArrayList<>();

    @Override
    public void collect(String record) {
      records.add(record);
    }

    @Override
    public void emitWatermark(long watermark) {
      watermarks.add(watermark);
    }
  }

  private Config config(String backend) {
    Config config = Config.empty().with("state.backend.type", backend);
    if (backend.equals("forst")) {
      config =
          config
              .with("execution.checkpointing.dir", "file://" + dir.resolve("checkpoints"))
              .with("state.backend.forst.local-dir", dir.resolve("local").toString());
    }
    return config;
  }

  private KeyedJob<String, String> job(Aloft aloft, int parallelism, Output<String> output) {
    return aloft
        .<String, String, String>keyedJob(Counter::new)
        .name("counts")
        .keySelector(key -> key)
        .keySerializer(Serializers.STRING)
        .parallelism(parallelism)
        .output(output)
        .build();
  }

  @ParameterizedTest(name = "{0} at parallelism {1}")
  @CsvSource({"hashmap, 1", "hashmap, 2", "hashmap, 4", "forst, 1", "forst, 2", "forst, 4"})
  void aJobRoutesEveryKeyToOneSubtaskAndEmitsWhatASequentialRunWould(String backend, int parallelism) {
    Random random = new Random(parallelism * 31L + backend.length());
    Map<String, Integer> model = new HashMap<>();
    Recorder out = new Recorder();
    try (Aloft aloft = Aloft.create(config(backend));
        KeyedJob<String, String> job = job(aloft, parallelism, out)) {
      for (int i = 0; i < 5_000; i++) {
        String key = "key-" + random.nextInt(300);
        job.processElement(key);
        model.merge(key, 1, Integer::sum);
      }
      job.drain();
    }
    assertThat(out.records).hasSize(5_000);
    // Per key, the counts come in order 1, 2, 3, … (a key lives in one subtask, which emits in order).
    Map<String, Integer> last = new HashMap<>();
    for (String record : out.records) {
      String key = record.substring(0, record.indexOf('='));
      int n = Integer.parseInt(record.substring(record.indexOf('=') + 1));
      assertThat(n).as(record).isEqualTo(last.getOrDefault(key, 0) + 1);
      last.put(key, n);
    }
    assertThat(last).isEqualTo(model);
  }

  @Test
  void downstreamSeesAWatermarkOnlyOnceEverySubtaskPassedItWithItsTimersFired() {
    Recorder out = new Recorder();
    try (Aloft aloft = Aloft.create(config("hashmap"));
        KeyedJob<String, String> job = job(aloft, 3, out)) {
      for (int i = 0; i < 30; i++) {
        job.processElement("key-" + i, 100 + i);
      }
      job.processWatermark(115);
      job.drain();
      assertThat(job.currentWatermark()).isEqualTo(115);
      assertThat(out.watermarks).containsExactly(115L);
      // Every timer at or before 115 fired before the watermark went downstream; none after it.
      int watermarkAt = out.records.size();
      assertThat(out.records.stream().filter(r -> r.contains("@")))
          .hasSize(16)
          .allSatisfy(r -> assertThat(Long.parseLong(r.substring(r.indexOf('@') + 1))).isLessThanOrEqualTo(115));
      job.processWatermark(200);
      job.drain();
      assertThat(out.records.subList(watermarkAt, out.records.size())).hasSize(14);
      assertThat(out.watermarks).containsExactly(115L, 200L);
    }
  }

  /** Blocks in processElement until released: a slow subtask. */
  static final class Blocking extends KeyedProcessFunction<String, String, String> {
    static volatile CountDownLatch release;
    static final AtomicInteger processed = new AtomicInteger();

    @Override
    public void processElement(String key, Context<String> context, Collector<String> out)
        throws InterruptedException {
      release.await();
      processed.incrementAndGet();
    }
  }

  @Test
  void aSlowSubtaskMakesTheCallerWaitOnceItsQueueIsFull() throws Exception {
    Blocking.release = new CountDownLatch(1);
    Blocking.processed.set(0);
    AtomicInteger submitted = new AtomicInteger();
    try (Aloft aloft = Aloft.create(config("hashmap"));
        KeyedJob<String, String> job =
            aloft
                .<String, String, String>keyedJob(Blocking::new)
                .keySelector(key -> key)
                .keySerializer(Serializers.STRING)
                .parallelism(2)
                .queueCapacity(8)
                .build()) {
      Thread caller =
          new Thread(
              () -> {
                for (int i = 0; i < 100; i++) {
                  job.processElement("same-key");
                  submitted.incrementAndGet();
                }
              });
      caller.start();
      // One record is being processed, eight wait in the queue: the ninth and later wait in the caller.
      for (int i = 0; i < 200 && submitted.get() < 9; i++) {
        Thread.sleep(10);
      }
      Thread.sleep(100); // room for a tenth record to slip through, if the queue were unbounded
      assertThat(submitted.get()).isEqualTo(9);
      assertThat(caller.isAlive()).isTrue();
      Blocking.release.countDown();
      caller.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(caller.isAlive()).isFalse();
      job.drain();
      assertThat(Blocking.processed.get()).isEqualTo(100);
    }
  }

  /** Fails on one key. */
  static final class FailsOnPoison extends KeyedProcessFunction<String, String, String> {
    @Override
    public void processElement(String key, Context<String> context, Collector<String> out) {
      if (key.equals("poison")) {
        throw new IllegalStateException("cannot digest " + key);
      }
      out.collect(key);
    }
  }

  @Test
  void aFailingSubtaskFailsTheJobNamingTheSubtaskAndTheCause() {
    int subtask = KeyGroups.subtaskOf("poison", Serializers.STRING, 2, 128);
    Aloft aloft = Aloft.create(config("hashmap"));
    KeyedJob<String, String> job =
        aloft
            .<String, String, String>keyedJob(FailsOnPoison::new)
            .keySelector(key -> key)
            .keySerializer(Serializers.STRING)
            .parallelism(2)
            .build();
    job.processElement("fine");
    job.processElement("poison");
    assertThatThrownBy(job::drain)
        .isInstanceOf(ProcessingException.class)
        .hasMessageContaining("subtask " + subtask + " of 2 failed")
        .hasRootCauseMessage("cannot digest poison");
    assertThatThrownBy(() -> job.processElement("more")).isInstanceOf(ProcessingException.class);
    assertThatThrownBy(job::close).isInstanceOf(ProcessingException.class);
    aloft.close();
  }

  @Test
  void aJobNeedsAKeySelectorAKeySerializerAndAParallelismTheKeyGroupsAllow() {
    try (Aloft aloft = Aloft.create(config("hashmap"))) {
      assertThatThrownBy(() -> aloft.<String, String, String>keyedJob(Counter::new).build())
          .hasMessageContaining("keySelector");
      assertThatThrownBy(() -> aloft.<String, String, String>keyedJob(Counter::new).parallelism(129))
          .hasMessageContaining("parallelism 129");
      assertThatThrownBy(() -> aloft.<String, String, String>keyedJob(Counter::new).queueCapacity(0))
          .hasMessageContaining("queueCapacity");
    }
  }
}
