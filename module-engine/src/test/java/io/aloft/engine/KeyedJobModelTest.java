package io.aloft.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.process.Checkpoint;
import io.aloft.process.KeyedJob;
import io.aloft.serde.Serializers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random keyed input with random watermarks into a job at parallelism 3, checkpoints at random points,
 * kills (the job closes without a checkpoint: what it did since the last one is lost) and restores at
 * parallelism 2, 3 or 4 from the newest checkpoint, replaying the input from the position it recorded —
 * against a sequential model. Exactly once for state: at the end every key's count is its number of
 * records. Output is at least once (a replay emits again): deduplicated, every timer at or before the
 * last watermark fired. {@code -Daloft.test.job-model-seeds=N} runs more seeds, {@code
 * -Daloft.test.job-model-seed=S} one.
 */
class KeyedJobModelTest {
  @TempDir Path dir;

  private static final int STEPS = 3_000;
  private static final int KEYS = 60;

  static Stream<Arguments> cases() {
    Long only = Long.getLong("aloft.test.job-model-seed");
    int seeds = Integer.getInteger("aloft.test.job-model-seeds", 4);
    List<Arguments> cases = new ArrayList<>();
    for (String backend : new String[] {"hashmap", "forst"}) {
      if (only != null) {
        cases.add(Arguments.of(backend, only));
        continue;
      }
      for (long seed = 1; seed <= seeds; seed++) {
        cases.add(Arguments.of(backend, seed * 1_000 + backend.length()));
      }
    }
    return cases.stream();
  }

  /** One input: a record of a key at a time, or a watermark. */
  private record Input(String key, long time, boolean watermark) {}

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("cases")
  void aJobKilledAndRestoredAtOtherParallelismsCountsEveryRecordOnce(String backend, long seed) {
    Random random = new Random(seed);
    List<Input> input = new ArrayList<>();
    long time = 0;
    long watermark = Long.MIN_VALUE;
    for (int i = 0; i < STEPS; i++) {
      if (random.nextInt(25) == 0) {
        watermark = time - random.nextInt(50);
        input.add(new Input(null, watermark, true));
      } else {
        time += random.nextInt(5);
        input.add(new Input("key-" + random.nextInt(KEYS), time, false));
      }
    }
    // The model: counts per key, and the timers (one per record time) a watermark reaches.
    Map<String, Integer> counts = new HashMap<>();
    long lastWatermark = Long.MIN_VALUE;
    for (Input in : input) {
      if (in.watermark()) {
        lastWatermark = Math.max(lastWatermark, in.time());
      } else {
        counts.merge(in.key(), 1, Integer::sum);
      }
    }
    Set<String> dueTimers = new HashSet<>();
    for (Input in : input) {
      if (!in.watermark() && in.time() <= lastWatermark) {
        dueTimers.add(in.key() + "@" + in.time());
      }
    }

    Config config =
        Config.empty()
            .with("state.backend.type", backend)
            .with("execution.checkpointing.dir", "file://" + dir.resolve("checkpoints"))
            .with("state.backend.forst.local-dir", dir.resolve("local").toString())
            .with("state.backend.forst.writebuffer.size", "64kb");
    KeyedJobTest.Recorder out = new KeyedJobTest.Recorder();
    Checkpoint newest = null;
    int parallelism = 3;
    int position = 0;
    int kills = 0;
    String context = backend + ", seed " + seed + " (re-run with -Daloft.test.job-model-seed=" + seed + ")";
    try (Aloft aloft = Aloft.create(config)) {
      while (position < input.size()) {
        var builder =
            aloft
                .<String, String, String>keyedJob(KeyedJobTest.Counter::new)
                .name("model")
                .keySelector(r -> r)
                .keySerializer(Serializers.STRING)
                .parallelism(parallelism)
                .output(out);
        if (newest != null) {
          builder.restoreFrom(newest.location());
        }
        try (KeyedJob<String, String> job = builder.build()) {
          position = newest == null ? 0 : (int) job.restoredInputPosition().orElseThrow();
          int killAt = kills < 3 ? position + 200 + random.nextInt(900) : Integer.MAX_VALUE;
          for (; position < input.size() && position < killAt; position++) {
            Input in = input.get(position);
            if (in.watermark()) {
              job.processWatermark(in.time());
            } else {
              job.processElement(in.key(), in.time());
            }
            if (random.nextInt(150) == 0) {
              newest = job.checkpoint(position + 1);
            }
          }
          if (position >= input.size()) {
            // The end: one probe record per key shows its final count (the model's plus one).
            for (String key : counts.keySet()) {
              job.processElement(key);
            }
            job.drain();
          }
        } // a kill: closed without a checkpoint, what came after the newest one is replayed
        if (position < input.size()) {
          kills++;
          parallelism = new int[] {2, 4, 3}[kills % 3];
        }
      }
    }
    Map<String, Integer> last = new HashMap<>();
    Set<String> timers = new HashSet<>();
    for (String r : out.records) {
      if (r.contains("@")) {
        timers.add(r);
      } else {
        last.put(r.substring(0, r.indexOf('=')), Integer.parseInt(r.substring(r.indexOf('=') + 1)));
      }
    }
    Map<String, Integer> expected = new HashMap<>();
    counts.forEach((key, n) -> expected.put(key, n + 1));
    assertThat(last).as(context + ": final counts after %d kills", kills).isEqualTo(expected);
    assertThat(timers).as(context + ": timers fired").isEqualTo(dueTimers);
  }
}
