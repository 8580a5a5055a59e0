package io.aloft.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.engine.checkpoint.CheckpointRestoreTest.Cmd;
import io.aloft.engine.testkit.FaultyFileSystemProvider;
import io.aloft.process.KeyedProcessor;
import io.aloft.spi.fs.Location;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that fails the k-th request, for every k through a checkpoint: whatever fails, restoring the
 * last completed checkpoint yields exactly its state, and none of its files was deleted.
 */
class CheckpointCrashSafetyTest {
  @TempDir Path dir;

  @AfterEach
  void disarm() {
    FaultyFileSystemProvider.disarm();
  }

  Config config(Path base) {
    return Config.empty()
        .with("state.backend.type", "forst")
        .with("execution.checkpointing.dir", "faulty://" + base.resolve("checkpoints"))
        .with("state.backend.forst.local-dir", base.resolve("local").toString())
        .with("state.backend.forst.writebuffer.size", "64kb");
  }

  /** Runs checkpoint 1 clean, then checkpoint 2 with request {@code k} failing (0: none). */
  private boolean[] run(Path base, long k, Map<String, Long> atFirst, Map<String, Long> atSecond, long[] requests) {
    List<String> out = new ArrayList<>();
    boolean secondFailed = false;
    try (Aloft aloft = Aloft.create(config(base))) {
      var ps = CheckpointRestoreTest.instances(aloft, 1, null, out, false);
      KeyedProcessor<String, Cmd, String> p = ps.get(0);
      CheckpointRestoreTest.feed(p, 1, atFirst);
      p.checkpoint(1);
      atSecond.putAll(atFirst);
      CheckpointRestoreTest.feed(p, 2, atSecond);
      FaultyFileSystemProvider.failRequest(k == 0 ? Long.MAX_VALUE : k);
      try {
        p.checkpoint(2);
      } catch (RuntimeException e) {
        secondFailed = true;
      }
      requests[0] = FaultyFileSystemProvider.requests();
      FaultyFileSystemProvider.disarm();
      try {
        p.close();
      } catch (RuntimeException e) {
        // A failed flush leaves the instance failed; it is replaced by a restore below.
      }
    }
    return new boolean[] {secondFailed};
  }

  @Test
  void aFailureAtAnyRequestOfACheckpointLeavesTheLastCompletedCheckpointRestorable() {
    long[] requests = new long[1];
    run(dir.resolve("clean"), 0, new TreeMap<>(), new TreeMap<>(), requests);
    long total = requests[0];
    assertThat(total).as("requests of a checkpoint and its clean-up").isGreaterThan(3);
    int failed = 0;
    for (long k = 1; k <= total; k++) {
      Path base = dir.resolve("k" + k);
      Map<String, Long> atFirst = new TreeMap<>();
      Map<String, Long> atSecond = new TreeMap<>();
      boolean secondFailed = run(base, k, atFirst, atSecond, requests)[0];
      failed += secondFailed ? 1 : 0;
      List<String> out = new ArrayList<>();
      Location checkpoints = Location.of("faulty://" + base.resolve("checkpoints"));
      try (Aloft aloft = Aloft.create(config(base))) {
        // The newest completed checkpoint must restore exactly; if checkpoint 2 completed, so must
        // it, even when cleaning up checkpoint 1 failed afterwards.
        Location from = checkpoints.resolve(secondFailed ? "chk-1" : "chk-2");
        var restored = CheckpointRestoreTest.instances(aloft, 1, from, out, false);
        assertThat(CheckpointRestoreTest.sums(restored, out))
            .as("failure at request %d of %d, restoring %s", k, total, from)
            .isEqualTo(secondFailed ? atFirst : atSecond);
        restored.forEach(KeyedProcessor::close);
      }
    }
    System.out.printf(
        "a checkpoint and its clean-up took %d requests; a failure at each was survived (%d failed the"
            + " checkpoint, the others only its clean-up)%n",
        total, failed);
    assertThat(failed).isPositive();
  }
}
