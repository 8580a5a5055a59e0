package io.aloft.engine.forst;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.process.KeyGroups;
import io.aloft.engine.keyedstate.Bytes;
import io.aloft.engine.testkit.ProgramJob;
import io.aloft.engine.testkit.StatePrograms;
import io.aloft.serde.Serializers;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.fs.Location;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rescaling more than once on {@code forst}: an instance restored from several parts must see each
 * key's state as the part that owned the key left it, even when another part still lists an older file
 * that holds a stale copy of that key (inherited by both at an earlier rescale).
 */
class ForStRescaleTest {
  @TempDir Path dir;

  private Config config() {
    return Config.empty()
        .with("state.backend.type", "forst")
        .with("execution.checkpointing.dir", dir.resolve("checkpoints").toString())
        .with("state.backend.forst.local-dir", dir.resolve("local").toString())
        .with("state.backend.forst.writebuffer.size", "64kb")
        .with("state.backend.forst.block.blocksize", "1kb");
  }

  private static ProgramJob.Program op(String key, StatePrograms.Operation... ops) {
    List<StatePrograms.Step> steps = new ArrayList<>();
    for (int i = 0; i < ops.length; i++) {
      steps.add(new StatePrograms.Step(String.valueOf(i), ops[i], false, false, List.of()));
    }
    return new ProgramJob.Program(key, steps, false);
  }

  @Test
  void aKeyOverwrittenByItsOwnerAfterARescaleIsNotShadowedByTheOtherPartsInheritedFile() {
    KeyGroupRange first = KeyGroupRange.forInstance(128, 2, 0);
    List<String> keys = new ArrayList<>(); // of the first instance of two
    List<String> others = new ArrayList<>(); // of the second
    for (int i = 0; keys.size() < 50 || others.size() < 50; i++) {
      String key = "k" + i;
      (first.contains(KeyGroups.keyGroupOf(Bytes.serialize(Serializers.STRING, key), 128)) ? keys : others).add(key);
    }
    String padding = "x".repeat(1000);
    Location checkpoint;
    // Run 1, one instance: every key gets 1; the checkpoint's file spans every key group.
    try (ProgramJob job = new ProgramJob(config(), 1, null)) {
      for (String key : keys) {
        job.process(op(key, new StatePrograms.ValueUpdate(1), new StatePrograms.MapPut("a", 1L)));
      }
      for (String key : others) {
        job.process(op(key, new StatePrograms.ValueUpdate(1), new StatePrograms.MapPut("a", 1L)));
      }
      job.drainOutput();
      checkpoint = job.checkpoint();
    }
    // Run 2, two instances: only the first one writes (2, then enough to flush and compact what it
    // inherited into a deeper level); the second keeps the inherited file as it was.
    try (ProgramJob job = new ProgramJob(config(), 2, checkpoint)) {
      for (String key : keys) {
        job.process(
            op(key, new StatePrograms.ValueUpdate(2), new StatePrograms.MapRemove("a"), new StatePrograms.MapPut("b", 2L)));
      }
      for (int round = 0; round < 10; round++) {
        for (String key : keys) {
          job.process(op(key, new StatePrograms.ListAdd(padding)));
        }
        job.drainOutput();
      }
      checkpoint = job.checkpoint();
    }
    // Run 3, one instance again, restored from both parts.
    try (ProgramJob job = new ProgramJob(config(), 1, checkpoint)) {
      for (String key : keys) {
        job.process(op(key, new StatePrograms.ValueRead(), new StatePrograms.MapEntries()));
      }
      for (String key : others) {
        job.process(op(key, new StatePrograms.ValueRead(), new StatePrograms.MapEntries()));
      }
      List<String> expected = new ArrayList<>();
      keys.forEach(k -> expected.addAll(List.of(k + " 0=2", k + " 1={b=2}")));
      others.forEach(k -> expected.addAll(List.of(k + " 0=1", k + " 1={a=1}")));
      assertThat(job.drainOutput()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }
}
