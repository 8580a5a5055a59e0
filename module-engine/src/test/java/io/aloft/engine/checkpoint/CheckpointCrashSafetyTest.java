package io.aloft.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.engine.checkpoint.CheckpointRestoreTest.Cmd;
import io.aloft.engine.testkit.FaultyFileSystemProvider;
import io.aloft.process.KeyedProcessor;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that fails the k-th request, for every k through a checkpoint: whatever fails, no file a
 * checkpoint lists is deleted, restoring the newest complete checkpoint yields exactly its state, and
 * once later checkpoints succeed, nothing but the newest checkpoint (and the runs' leases and fences)
 * is left in the root — also when the failing checkpoint is the first of a restored run, which
 * discards the checkpoint it took over and the files it inherited.
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

  /** What one run with a failure at request k saw. */
  private record Outcome(boolean failed, long requests, long cleanupFailures) {}

  /** Checkpoints 1 clean, feeds, then checkpoints 2 with request {@code k} failing (0: none). */
  private Outcome firstRun(Path base, long k, Map<String, Long> atOne, Map<String, Long> atTwo) {
    List<String> out = new ArrayList<>();
    try (Aloft aloft = Aloft.create(config(base))) {
      KeyedProcessor<String, Cmd, String> p = CheckpointRestoreTest.instances(aloft, 1, null, out, false).get(0);
      CheckpointRestoreTest.feed(p, 1, atOne);
      p.checkpoint(1);
      atTwo.putAll(atOne);
      CheckpointRestoreTest.feed(p, 2, atTwo);
      Outcome outcome = checkpointFailingAt(p, 2, k);
      try {
        p.close();
      } catch (RuntimeException e) {
        // A failed flush leaves the instance failed; it is replaced by a restore.
      }
      return outcome;
    }
  }

  private static Outcome checkpointFailingAt(KeyedProcessor<String, Cmd, String> p, long id, long k) {
    FaultyFileSystemProvider.failRequest(k == 0 ? Long.MAX_VALUE : k);
    boolean failed = false;
    try {
      p.checkpoint(id);
    } catch (RuntimeException e) {
      failed = true;
    }
    long requests = FaultyFileSystemProvider.requests();
    FaultyFileSystemProvider.disarm();
    return new Outcome(failed, requests, p.metrics().get("checkpoint.cleanup-failures"));
  }

  @Test
  void aFailureAtAnyRequestOfACheckpointLosesNothingAndLeavesNothingBehind() throws IOException {
    long total = firstRun(dir.resolve("clean"), 0, new TreeMap<>(), new TreeMap<>()).requests();
    assertThat(total).as("requests of a checkpoint and its clean-up").isGreaterThan(3);
    int failed = 0;
    int cleanupFailed = 0;
    for (long k = 1; k <= total; k++) {
      Path base = dir.resolve("k" + k);
      Map<String, Long> atOne = new TreeMap<>();
      Map<String, Long> atTwo = new TreeMap<>();
      Outcome outcome = firstRun(base, k, atOne, atTwo);
      failed += outcome.failed() ? 1 : 0;
      cleanupFailed += outcome.cleanupFailures() > 0 ? 1 : 0;
      CheckpointRootFiles root = new CheckpointRootFiles(base.resolve("checkpoints"));
      root.assertEveryListedFileExists();
      // Checkpoint 2 is complete if its part is there, whatever its caller was told; if it is not,
      // checkpoint 1 must be.
      boolean twoComplete = Files.exists(base.resolve("checkpoints/chk-2/sums-0of1.meta"));
      assertThat(twoComplete || !outcome.failed()).isEqualTo(twoComplete);
      long newest = twoComplete ? 2 : 1;
      Map<String, Long> model = new TreeMap<>(twoComplete ? atTwo : atOne);
      continueRestored(base, newest, model, String.format("failure at request %d of %d", k, total));
    }
    System.out.printf(
        "a checkpoint and its clean-up took %d requests; a failure at each was survived (%d failed the"
            + " checkpoint, the others only its clean-up)%n",
        total, failed);
    assertThat(failed).isPositive();
    assertThat(cleanupFailed)
        .as("failures that hit only the discard of checkpoint 1, counted as checkpoint.cleanup-failures")
        .isPositive();
  }

  @Test
  void aFailureAtAnyRequestOfARestoredRunsFirstCheckpointLosesNothingAndLeavesNothingBehind()
      throws IOException {
    long total = restoredRun(dir.resolve("clean"), 0);
    assertThat(total).as("requests of a restored run's first checkpoint and its discards").isGreaterThan(8);
    for (long k = 1; k <= total; k++) {
      restoredRun(dir.resolve("k" + k), k);
    }
    System.out.printf(
        "a restored run's first checkpoint, discarding what it took over, took %d requests; a failure at"
            + " each was survived%n",
        total);
  }

  /**
   * Run 1 checkpoints twice and stops; run 2 restores the second, and its first checkpoint (which
   * subsumes the restored one) fails at request k. Returns the requests that checkpoint made.
   */
  private long restoredRun(Path base, long k) throws IOException {
    Map<String, Long> atTwo = new TreeMap<>();
    firstRun(base, 0, new TreeMap<>(), atTwo);
    List<String> out = new ArrayList<>();
    Map<String, Long> atThree = new TreeMap<>(atTwo);
    Outcome outcome;
    try (Aloft aloft = Aloft.create(config(base))) {
      var ps = CheckpointRestoreTest.instances(aloft, 1, chk(base, 2), out, false);
      CheckpointRestoreTest.feed(ps.get(0), 3, atThree);
      outcome = checkpointFailingAt(ps.get(0), 3, k);
      try {
        ps.get(0).close();
      } catch (RuntimeException e) {
        // Failed: replaced below.
      }
    }
    CheckpointRootFiles root = new CheckpointRootFiles(base.resolve("checkpoints"));
    root.assertEveryListedFileExists();
    boolean threeComplete = Files.exists(base.resolve("checkpoints/chk-3/sums-0of1.meta"));
    assertThat(threeComplete || !outcome.failed()).isEqualTo(threeComplete);
    continueRestored(
        base, threeComplete ? 3 : 2, threeComplete ? atThree : atTwo, "restored run, failure at request " + k);
    return outcome.requests();
  }

  /**
   * Restores checkpoint {@code from} and checks it holds {@code model}; then takes two more
   * checkpoints and closes, after which only the last of them may remain.
   */
  private void continueRestored(Path base, long from, Map<String, Long> model, String what) throws IOException {
    List<String> out = new ArrayList<>();
    long last;
    try (Aloft aloft = Aloft.create(config(base))) {
      var restored = CheckpointRestoreTest.instances(aloft, 1, chk(base, from), out, false);
      assertThat(CheckpointRestoreTest.sums(restored, out)).as("%s, restoring chk-%d", what, from).isEqualTo(model);
      CheckpointRestoreTest.feed(restored.get(0), 10, new TreeMap<>());
      restored.get(0).checkpoint(10);
      CheckpointRestoreTest.feed(restored.get(0), 11, new TreeMap<>());
      last = restored.get(0).checkpoint(11).id();
      restored.forEach(KeyedProcessor::close);
    }
    CheckpointRootFiles root = new CheckpointRootFiles(base.resolve("checkpoints"));
    root.assertEveryListedFileExists();
    root.assertOnlyCheckpointRemains(last);
  }

  private static Location chk(Path base, long id) {
    return Location.of("faulty://" + base.resolve("checkpoints/chk-" + id));
  }
}
