package io.aloft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.process.Checkpoint;
import io.aloft.process.KeyedJob;
import io.aloft.serde.Serializers;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Job-wide checkpoints: a consistent cut of the input with its position, and a restore at another
 * parallelism that resumes the input there, exactly once.
 */
class KeyedJobCheckpointTest {
  @TempDir Path dir;

  private static final int RECORDS = 3_000;

  private static String record(int position) {
    return "key-" + (position * 7919 % 211);
  }

  private Config config(String backend) {
    return Config.empty()
        .with("state.backend.type", backend)
        .with("execution.checkpointing.dir", "file://" + dir.resolve("checkpoints"))
        .with("state.backend.forst.local-dir", dir.resolve("local").toString());
  }

  private static Aloft.JobBuilder<String, String, String> job(
      Aloft aloft, int parallelism, KeyedJobTest.Recorder out) {
    return aloft
        .<String, String, String>keyedJob(KeyedJobTest.Counter::new)
        .name("counts")
        .keySelector(key -> key)
        .keySerializer(Serializers.STRING)
        .parallelism(parallelism)
        .output(out);
  }

  /** The last count each key emitted. */
  private static Map<String, Integer> lastCounts(List<String> records) {
    Map<String, Integer> last = new HashMap<>();
    for (String r : records) {
      last.put(r.substring(0, r.indexOf('=')), Integer.parseInt(r.substring(r.indexOf('=') + 1)));
    }
    return last;
  }

  @ParameterizedTest(name = "{0}: parallelism 3, restored at {1}")
  @CsvSource({"forst, 2", "forst, 4", "hashmap, 2", "hashmap, 4"})
  void aRestoredJobResumesAtTheCheckpointsPositionAndCountsEveryRecordOnce(String backend, int restoredAt) {
    Map<String, Integer> model = new HashMap<>();
    for (int p = 0; p < RECORDS; p++) {
      model.merge(record(p), 1, Integer::sum);
    }
    Checkpoint checkpoint;
    try (Aloft aloft = Aloft.create(config(backend))) {
      KeyedJobTest.Recorder out = new KeyedJobTest.Recorder();
      try (KeyedJob<String, String> job = job(aloft, 3, out).build()) {
        assertThat(job.restoredInputPosition()).isEmpty();
        for (int p = 0; p < 1_000; p++) {
          job.processElement(record(p));
        }
        job.checkpoint(1_000);
        for (int p = 1_000; p < 1_800; p++) {
          job.processElement(record(p));
        }
        checkpoint = job.checkpoint(1_800);
        assertThat(checkpoint.inputPosition()).hasValue(1_800);
        assertThat(checkpoint.location().fileName()).isEqualTo("chk-" + checkpoint.id());
        for (int p = 1_800; p < 2_500; p++) {
          job.processElement(record(p)); // lost: no checkpoint covers them, the restore replays them
        }
      }
    }
    KeyedJobTest.Recorder out = new KeyedJobTest.Recorder();
    try (Aloft aloft = Aloft.create(config(backend));
        KeyedJob<String, String> job =
            job(aloft, restoredAt, out).restoreFrom(checkpoint.location()).build()) {
      OptionalLong resume = job.restoredInputPosition();
      assertThat(resume).hasValue(1_800);
      for (int p = (int) resume.getAsLong(); p < RECORDS; p++) {
        job.processElement(record(p));
      }
      job.drain();
      Checkpoint next = job.checkpoint(RECORDS);
      assertThat(next.id()).isGreaterThan(checkpoint.id());
    }
    // Every key's last count is its number of records: none counted twice, none lost.
    Map<String, Integer> expected = new HashMap<>();
    for (int p = 1_800; p < RECORDS; p++) {
      expected.put(record(p), model.get(record(p)));
    }
    assertThat(lastCounts(out.records)).isEqualTo(expected);
  }

  @Test
  void aJobWithoutACheckpointDirectoryRefusesACheckpointNamingTheKey() {
    try (Aloft aloft = Aloft.create(Config.empty());
        KeyedJob<String, String> job = job(aloft, 2, new KeyedJobTest.Recorder()).build()) {
      job.processElement("a");
      assertThatThrownBy(() -> job.checkpoint(1))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("execution.checkpointing.dir");
      job.processElement("b"); // the job goes on
    }
  }

  @Test
  void theIntervalTakesCheckpointsOnTheInputThreadRecordingTheSuppliedPosition() {
    io.aloft.engine.testkit.ManualClock clock = new io.aloft.engine.testkit.ManualClock();
    int[] position = {0};
    Checkpoint last;
    try (Aloft aloft =
            Aloft.create(
                config("hashmap")
                    .with("execution.checkpointing.interval", "10 s")
                    .with("execution.checkpointing.num-retained", 5));
        KeyedJob<String, String> job =
            job(aloft, 2, new KeyedJobTest.Recorder()).clock(clock).inputPosition(() -> position[0]).build()) {
      for (; position[0] < 100; position[0]++) {
        if (position[0] % 25 == 0) {
          clock.advance(java.time.Duration.ofSeconds(10)); // a checkpoint before records 0, 25, 50, 75
        }
        job.processElement(record(position[0]));
      }
      last = job.checkpoint(position[0]);
    }
    // Four interval checkpoints (positions 0, 25, 50, 75), then the one on demand.
    assertThat(last.id()).isEqualTo(5);
    try (Aloft aloft = Aloft.create(config("hashmap").with("execution.checkpointing.num-retained", 5));
        KeyedJob<String, String> job =
            job(aloft, 3, new KeyedJobTest.Recorder())
                .restoreFrom(last.location().parent().resolve("chk-4"))
                .build()) {
      assertThat(job.restoredInputPosition()).hasValue(75);
    }
  }

  @Test
  void anIntervalNeedsADirectoryAndAPositionSupplier() {
    try (Aloft aloft = Aloft.create(config("hashmap").with("execution.checkpointing.interval", "1 s"))) {
      assertThatThrownBy(() -> job(aloft, 2, new KeyedJobTest.Recorder()).build())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("inputPosition");
    }
    try (Aloft aloft = Aloft.create(Config.empty().with("execution.checkpointing.interval", "1 s"))) {
      assertThatThrownBy(() -> job(aloft, 2, new KeyedJobTest.Recorder()).inputPosition(() -> 0).build())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("execution.checkpointing.dir");
    }
  }
}
