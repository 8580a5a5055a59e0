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

  @Test
  void aFailureAtAnyRequestOfACheckpointLeavesTheLastCompletedCheckpointRestorable() {
    int failures = 0;
    for (int k = 1; k <= 300; k++) {
      Path base = dir.resolve("k" + k);
      List<String> out = new ArrayList<>();
      Map<String, Long> atFirst = new TreeMap<>();
      Map<String, Long> atSecond;
      Location first;
      boolean secondFailed = false;
      try (Aloft aloft = Aloft.create(config(base))) {
        var ps = CheckpointRestoreTest.instances(aloft, 1, null, out, false);
        KeyedProcessor<String, Cmd, String> p = ps.get(0);
        CheckpointRestoreTest.feed(p, 1, atFirst);
        first = p.checkpoint(1).location();
        atSecond = new TreeMap<>(atFirst);
        CheckpointRestoreTest.feed(p, 2, atSecond);
        FaultyFileSystemProvider.failRequest(k);
        try {
          p.checkpoint(2);
        } catch (RuntimeException e) {
          secondFailed = true;
          failures++;
        }
        FaultyFileSystemProvider.disarm();
        try {
          p.close();
        } catch (RuntimeException e) {
          // A failed flush leaves the instance failed; it is replaced by a restore below.
        }
      }
      try (Aloft aloft = Aloft.create(config(base))) {
        Location from = secondFailed ? first : first.parent().resolve("chk-2");
        var restored = CheckpointRestoreTest.instances(aloft, 1, from, out, false);
        assertThat(CheckpointRestoreTest.sums(restored, out))
            .as("failure at request %d, restoring %s", k, from)
            .isEqualTo(secondFailed ? atFirst : atSecond);
        restored.forEach(KeyedProcessor::close);
      }
      if (!secondFailed) {
        assertThat(failures).as("failures injected before the checkpoint ran clean").isPositive();
        System.out.printf("a checkpoint took %d requests; a failure at each of them was recovered%n", k - 1);
        return; // k is past the last request of a checkpoint: every earlier k was covered
      }
    }
    throw new AssertionError("a checkpoint takes more than 300 requests");
  }
}
