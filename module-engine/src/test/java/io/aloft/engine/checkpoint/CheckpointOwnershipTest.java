package io.aloft.engine.checkpoint;

import static io.aloft.engine.checkpoint.CheckpointRestoreTest.checkpointAll;
import static io.aloft.engine.checkpoint.CheckpointRestoreTest.closeAll;
import static io.aloft.engine.checkpoint.CheckpointRestoreTest.feed;
import static io.aloft.engine.checkpoint.CheckpointRestoreTest.instances;
import static io.aloft.engine.checkpoint.CheckpointRestoreTest.sums;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.engine.checkpoint.CheckpointRestoreTest.Cmd;
import io.aloft.engine.testkit.FaultyFileSystemProvider;
import io.aloft.engine.testkit.FileTrees;
import io.aloft.process.KeyedProcessor;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who deletes what in the checkpoint root, across instances and runs, without a coordinator: files a
 * restore inherited are deleted once no instance needs them, a checkpoint missing a part never counts,
 * a restore fences the run it replaces, and a restore racing with a discard either wins or fails
 * cleanly. After every step, every file any part lists exists, and the newest complete checkpoint
 * restores (from a copy of the root, so that the restore fences nobody) to the model.
 */
class CheckpointOwnershipTest {
  @TempDir Path dir;

  @AfterEach
  void disarm() {
    FaultyFileSystemProvider.disarm();
  }

  Path root() {
    return dir.resolve("checkpoints");
  }

  Config config(Path root) {
    return Config.empty()
        .with("state.backend.type", "forst")
        .with("execution.checkpointing.dir", "faulty://" + root)
        .with("state.backend.forst.local-dir", dir.resolve("local").toString())
        .with("state.backend.forst.writebuffer.size", "64kb")
        .with("state.backend.forst.compaction.level.max-size-level-base", "128kb")
        .with("state.backend.forst.compaction.level.target-file-size-base", "32kb");
  }

  Location chk(Path root, long id) {
    return Location.of("faulty://" + root.resolve("chk-" + id));
  }

  @ParameterizedTest(name = "2 -> {0} instances")
  @ValueSource(ints = {1, 3})
  void filesARestoreInheritedAreDeletedOnceNoInstanceNeedsThem(int parallelism) throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, Long> model = new TreeMap<>();
    try (Aloft aloft = Aloft.create(config(root()))) {
      var first = instances(aloft, 2, null, out, false);
      for (int round = 1; round <= 3; round++) {
        feedAll(first, round, model);
        checkpointAll(first, round);
      }
      closeAll(first);
      assertThat(filesOfRun("of2/")).as("files the first run leaves in its checkpoint").isNotEmpty();

      var second = instances(aloft, parallelism, chk(root(), 3), out, false);
      assertThat(sums(second, out)).isEqualTo(model);
      assertThatThrownBy(() -> second.get(0).checkpoint(2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("checkpoint ids must increase: 2 after 3 (the restore took over checkpoints up to 3)");
      long id = 3;
      for (int round = 4; round <= 40 && !filesOfRun("of2/").isEmpty(); round++) {
        feedAll(second, round, model);
        id++;
        for (var p : second) {
          assertThat(p.checkpoint(id).filesCopied()).as("files copied by a rescaled checkpoint").isZero();
        }
        assertEveryListedFileExists();
        assertThat(restoreCopy(id, parallelism)).as("checkpoint %d restored", id).isEqualTo(model);
      }
      assertThat(filesOfRun("of2/"))
          .as("files of the first run, once compaction has rewritten what the second run inherited")
          .isEmpty();
      assertThat(Files.exists(root().resolve("chk-3"))).as("the restored checkpoint, subsumed").isFalse();
      assertThat(sums(second, out)).isEqualTo(model);
      closeAll(second);
      // What is left once the second run has closed: its last checkpoint, leases and fences.
      new CheckpointRootFiles(root()).assertOnlyCheckpointRemains(id);
    }
  }

  @Test
  void oneInheritedFileThatCannotBeDeletedNeverStopsTheOthersAndIsReportedOnce() throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, Long> model = new TreeMap<>();
    try (Aloft aloft = Aloft.create(config(root()));
        io.aloft.engine.testkit.LogRecords log = new io.aloft.engine.testkit.LogRecords()) {
      var first = instances(aloft, 2, null, out, false);
      for (int round = 1; round <= 3; round++) {
        feedAll(first, round, model);
        checkpointAll(first, round);
      }
      closeAll(first);
      Set<String> inherited = filesOfRun("of2/");
      String stuck = inherited.iterator().next();
      FaultyFileSystemProvider.failDeletesOf(l -> l.path().endsWith("/" + stuck));
      var second = instances(aloft, 1, chk(root(), 3), out, false);
      long id = 3;
      for (int round = 4; round <= 40 && filesOfRun("of2/").size() > 1; round++) {
        feedAll(second, round, model);
        checkpointAll(second, ++id);
      }
      assertThat(filesOfRun("of2/")).as("only the file that cannot be deleted is left").containsExactly(stuck);
      assertThat(second.get(0).metrics().get("checkpoint.cleanup-failures")).isPositive();
      assertThat(log.all())
          .filteredOn(r -> r.getMessage().contains(stuck))
          .as("warnings about %s", stuck)
          .hasSize(1);
      // Once it can be deleted, the next clean-up deletes it.
      FaultyFileSystemProvider.disarm();
      feedAll(second, 41, model);
      checkpointAll(second, ++id);
      assertThat(filesOfRun("of2/")).isEmpty();
      assertThat(sums(second, out)).isEqualTo(model);
      closeAll(second);
    }
  }

  @Test
  void withTwoRetainedTheRestoredCheckpointGoesOnceTwoNewerOnesAreComplete() throws IOException {
    Config twoRetained = config(root()).with("execution.checkpointing.num-retained", "2");
    List<String> out = new ArrayList<>();
    Map<String, Long> model = new TreeMap<>();
    try (Aloft aloft = Aloft.create(twoRetained)) {
      firstRun(aloft, out, model);
      var second = instances(aloft, 3, chk(root(), 1), out, false);
      Map<Long, Map<String, Long>> at = new TreeMap<>();
      for (long id = 2; id <= 4; id++) {
        feedAll(second, (int) id, model);
        checkpointAll(second, id);
        at.put(id, new TreeMap<>(model));
        // After 2: one newer complete checkpoint, so 1 stays. After 3 the instances that finished
        // before it was complete still hold 1; after 4 every instance has let it go.
        if (id != 3) {
          assertThat(Files.exists(root().resolve("chk-1")))
              .as("checkpoint 1 after checkpoint %d", id)
              .isEqualTo(id == 2);
        }
        assertEveryListedFileExists();
      }
      // The last instance to finish 4 saw it complete: it retains 3 and 4; the others also 2, for now.
      assertThat(second.get(2).metrics()).containsEntry("checkpoint.retained", 2L);
      assertThat(second.get(0).metrics()).containsEntry("checkpoint.retained", 3L);
      assertThat(restoreCopy(3, 2)).isEqualTo(at.get(3L));
      assertThat(restoreCopy(4, 1)).isEqualTo(at.get(4L));
      closeAll(second);
    }
  }

  @Test
  void aHashmapRestoreTakesOverTheCheckpointAndLeavesOnlyItsOwnLastOne() throws IOException {
    Config hashmap = config(root()).with("state.backend.type", "hashmap");
    List<String> out = new ArrayList<>();
    Map<String, Long> model = new TreeMap<>();
    try (Aloft aloft = Aloft.create(hashmap)) {
      firstRun(aloft, out, model);
      var second = instances(aloft, 3, chk(root(), 1), out, false);
      assertThat(sums(second, out)).isEqualTo(model);
      for (long id = 2; id <= 3; id++) {
        feedAll(second, (int) id, model);
        checkpointAll(second, id);
      }
      closeAll(second);
      new CheckpointRootFiles(root()).assertOnlyCheckpointRemains(3);
      var third = instances(aloft, 2, chk(root(), 3), out, false);
      assertThat(sums(third, out)).isEqualTo(model);
      closeAll(third);
    }
  }

  @Test
  void aCheckpointMissingAPartNeitherRestoresNorCountsForRetention() throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, Long> atOne = new TreeMap<>();
    try (Aloft aloft = Aloft.create(config(root()))) {
      var ps = instances(aloft, 2, null, out, false);
      feedAll(ps, 1, atOne);
      checkpointAll(ps, 1);
      for (var p : ps) {
        feed(p, 2, new TreeMap<>());
      }
      ps.get(0).checkpoint(2); // the second instance fails before its part of checkpoint 2
      ps.get(0).checkpoint(3);

      assertThat(Files.exists(root().resolve("chk-1/sums-0of2.meta")))
          .as("checkpoint 1 is the newest complete one: kept")
          .isTrue();
      assertThatThrownBy(() -> instances(aloft, 2, chk(root(), 2), out, false))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("chk-2 is incomplete: no part covers key groups [64, 127]")
          .hasMessageContaining("sums-0of2 [0, 63]");
      assertThat(restoreCopy(1, 2)).isEqualTo(atOne);
      assertEveryListedFileExists();

      // Once both instances have completed newer checkpoints, checkpoint 1 goes.
      ps.get(1).checkpoint(3);
      checkpointAll(ps, 4);
      assertThat(Files.exists(root().resolve("chk-1"))).isFalse();
      assertEveryListedFileExists();
      closeAll(ps);
    }
  }

  @Test
  void aRunThatKeepsGoingAfterARestoreIsFencedAndItsSuccessorLosesNothing() throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, Long> model = new TreeMap<>();
    try (Aloft aloft = Aloft.create(config(root()))) {
      var zombie = instances(aloft, 1, null, out, false);
      feed(zombie.get(0), 1, model);
      checkpointAll(zombie, 1);
      var successor = instances(aloft, 1, chk(root(), 1), out, false);

      // The old run goes on: writes, compacts, tries to checkpoint (and so to subsume), closes.
      for (int round = 2; round < 6; round++) {
        feed(zombie.get(0), round, new TreeMap<>());
        long id = round;
        assertThatThrownBy(() -> zombie.get(0).checkpoint(id))
            .hasMessageContaining("was fenced")
            .hasMessageContaining("instances/sums-0of1-");
      }
      assertThat(zombie.get(0).metrics()).containsEntry("checkpoint.fenced", 1L);
      assertThat(successor.get(0).metrics()).containsEntry("checkpoint.fenced", 0L);
      closeAll(zombie);
      assertEveryListedFileExists();
      assertThat(sums(successor, out)).isEqualTo(model);

      String oldRun = treeId(1);
      long last = 1;
      for (int round = 2; round < 12 && !filesOfRun(oldRun).isEmpty(); round++) {
        feed(successor.get(0), round, model);
        last = checkpointAll(successor, round).id();
        assertEveryListedFileExists();
        assertThat(restoreCopy(round, 1)).isEqualTo(model);
      }
      assertThat(filesOfRun(oldRun)).as("files of the old run, once the successor needs none").isEmpty();
      assertThat(successor.get(0).metrics()).containsEntry("checkpoint.retained", 1L);
      assertThat(sums(successor, out)).isEqualTo(model);
      closeAll(successor);
      new CheckpointRootFiles(root()).assertOnlyCheckpointRemains(last);
    }
  }

  @Test
  void aRestoreThatWinsTheRaceWithADiscardKeepsTheCheckpointWhole() throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, Long> atOne = new TreeMap<>();
    try (Aloft aloft = Aloft.create(config(root()))) {
      var old = instances(aloft, 1, null, out, false);
      feed(old.get(0), 1, atOne);
      checkpointAll(old, 1);
      feed(old.get(0), 2, new TreeMap<>());
      List<KeyedProcessor<String, Cmd, String>> successor = new ArrayList<>();
      // Checkpoint 2 subsumes checkpoint 1; just before its tombstone is written, a restore of
      // checkpoint 1 runs to its end. The old run then finds itself fenced and deletes nothing.
      FaultyFileSystemProvider.beforeRequest(
          l -> l.path().endsWith("chk-1/sums-0of1.meta.discarded"),
          () -> successor.addAll(instances(aloft, 1, chk(root(), 1), out, false)));
      checkpointAll(old, 2);
      assertThat(successor).hasSize(1);
      assertThat(Files.exists(root().resolve("chk-1/sums-0of1.meta"))).isTrue();
      assertThat(Files.exists(root().resolve("chk-1/sums-0of1.meta.discarded"))).isFalse();
      assertEveryListedFileExists();
      assertThat(sums(successor, out)).isEqualTo(atOne);
      assertThatThrownBy(() -> old.get(0).checkpoint(3)).hasMessageContaining("was fenced");
      closeAll(old);
      assertThat(sums(successor, out)).isEqualTo(atOne);
      closeAll(successor);
    }
  }

  @Test
  void aRestoreThatLosesTheRaceWithADiscardFailsAndUsesNothing() throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, Long> atTwo = new TreeMap<>();
    try (Aloft aloft = Aloft.create(config(root()))) {
      var old = instances(aloft, 1, null, out, false);
      feed(old.get(0), 1, atTwo);
      checkpointAll(old, 1);
      feed(old.get(0), 2, atTwo);
      List<Throwable> failed = new ArrayList<>();
      // The tombstone is written; before the old run checks its fence, a restore of checkpoint 1
      // starts: it must refuse, and the old run goes on to discard checkpoint 1.
      FaultyFileSystemProvider.beforeRequest(
          l -> l.path().endsWith("chk-1/sums-0of1.meta.discarded"),
          () -> FaultyFileSystemProvider.beforeRequest(
              l -> l.path().endsWith("/fenced"),
              () -> {
                try {
                  instances(aloft, 1, chk(root(), 1), out, false);
                } catch (RuntimeException e) {
                  failed.add(e);
                }
              }));
      checkpointAll(old, 2);
      assertThat(failed).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("being discarded"));
      assertThat(Files.exists(root().resolve("chk-1"))).isFalse();
      assertEveryListedFileExists();
      assertThat(restoreCopy(2, 1)).isEqualTo(atTwo);
      old.get(0).checkpoint(3); // not fenced: the failed restore took nothing over
      closeAll(old);
    }
  }

  @Test
  void aRestoreFromAnotherRootHoldsItWhileTheRestoredTreeReadsThereWithoutStoppingTheOtherJob()
      throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, Long> model = new TreeMap<>();
    Map<String, Long> otherModel = new TreeMap<>();
    Path other = dir.resolve("other-job");
    long last = 0;
    try (Aloft otherJob = Aloft.create(config(other));
        Aloft aloft = Aloft.create(config(root()))) {
      var source = instances(otherJob, 1, null, out, false);
      feed(source.get(0), 1, otherModel);
      checkpointAll(source, 1); // one level-0 file
      model.putAll(otherModel);
      Set<String> heldFiles = new TreeSet<>(partsOf(other, 1).get(0).files());

      var ps = instances(aloft, 1, chk(other, 1), out, false);
      int round = 2;
      for (; round <= 40 && !holds(other, 1).isEmpty(); round++) {
        // The other job is not fenced: it goes on, and its checkpoints subsume 1 — which stays while
        // held, with every file it lists.
        feed(source.get(0), round, otherModel);
        checkpointAll(source, round);
        assertThat(other.resolve("chk-1/sums-0of1.meta")).as("held checkpoint, round %d", round).exists();
        heldFiles.forEach(f -> assertThat(other.resolve(f)).as("file of the held checkpoint").exists());
        feed(ps.get(0), round, model);
        var c = checkpointAll(ps, round);
        if (round == 2) {
          assertThat(c.filesCopied()).as("files of the other root, copied by the first checkpoint").isPositive();
          // Complete, but the tree still reads the restored file in place: two level-0 files do not
          // start a compaction (four do).
          assertThat(holds(other, 1)).as("held while the restored tree reads there").hasSize(1);
        }
        last = round;
      }
      // Compaction has rewritten the file the restored tree read from the other root, and its own
      // checkpoints list copies: the hold is gone, and the other job's next checkpoint discards 1.
      assertThat(holds(other, 1)).as("holds once the restored tree no longer reads the other root").isEmpty();
      feed(source.get(0), round, otherModel);
      checkpointAll(source, round);
      assertThat(other.resolve("chk-1")).as("released: subsumed as usual").doesNotExist();
      new CheckpointRootFiles(other).parts().values().forEach(part -> heldFiles.removeAll(part.files()));
      heldFiles.forEach(f -> assertThat(other.resolve(f)).as("file only the released checkpoint listed").doesNotExist());
      new CheckpointRootFiles(other).assertEveryListedFileExists();
      assertThat(sums(source, out)).isEqualTo(otherModel);
      assertThat(source.get(0).metrics()).containsEntry("checkpoint.fenced", 0L);
      assertThat(sums(ps, out)).as("the restored processor, after the other job deleted files").isEqualTo(model);
      closeAll(source);
      closeAll(ps);
    }
    FileTrees.delete(other); // its owner may delete it: this root no longer needs it
    try (Aloft aloft = Aloft.create(config(root()))) {
      var ps = instances(aloft, 1, chk(root(), last), out, false);
      assertThat(sums(ps, out)).isEqualTo(model);
      closeAll(ps);
    }
  }

  @Test
  void aHoldStaysUntilACheckpointOfTheRestoredJobIsComplete() throws IOException {
    Path other = dir.resolve("other-job");
    Config otherConfig = config(other).with("state.backend.type", "hashmap");
    List<String> out = new ArrayList<>();
    Map<String, Long> model = new TreeMap<>();
    try (Aloft otherJob = Aloft.create(otherConfig);
        Aloft aloft = Aloft.create(config(root()).with("state.backend.type", "hashmap"))) {
      var source = instances(otherJob, 1, null, out, false);
      feed(source.get(0), 1, model);
      checkpointAll(source, 1);

      var ps = instances(aloft, 2, chk(other, 1), out, false);
      assertThat(holds(other, 1)).as("one hold per restored instance").hasSize(2);
      feedAll(ps, 2, model);
      ps.get(0).checkpoint(2); // half of checkpoint 2: a restart would still restore from 1
      feed(source.get(0), 2, new TreeMap<>());
      checkpointAll(source, 2);
      assertThat(other.resolve("chk-1")).as("held while no checkpoint of the restored job is complete").exists();
      assertThat(holds(other, 1)).hasSize(2);

      ps.get(1).checkpoint(2); // complete: instance 1 reads nothing of the other root (hashmap)
      assertThat(holds(other, 1)).as("instance 1 let go; instance 0 has not looked since").hasSize(1);
      checkpointAll(source, 3);
      assertThat(other.resolve("chk-1")).as("still held by instance 0").exists();
      ps.get(0).close(); // finds checkpoint 2 complete: lets go
      assertThat(holds(other, 1)).isEmpty();
      checkpointAll(source, 4);
      assertThat(other.resolve("chk-1")).as("no hold left: discarded").doesNotExist();
      closeAll(ps);
      closeAll(source);
    }
    FileTrees.delete(other);
    try (Aloft aloft = Aloft.create(config(root()).with("state.backend.type", "hashmap"))) {
      var ps = instances(aloft, 2, chk(root(), 2), out, false);
      assertThat(sums(ps, out)).isEqualTo(model);
      closeAll(ps);
    }
  }

  @Test
  void aRestartFromTheSameCheckpointInAnotherRootTakesOverTheHoldsOfTheRunItReplaces() throws IOException {
    Path other = dir.resolve("other-job");
    Path third = dir.resolve("third-job");
    List<String> out = new ArrayList<>();
    Map<String, Long> model = new TreeMap<>();
    try (Aloft otherJob = Aloft.create(config(other).with("state.backend.type", "hashmap"));
        Aloft aloft = Aloft.create(config(root()).with("state.backend.type", "hashmap"));
        Aloft thirdJob = Aloft.create(config(third).with("state.backend.type", "hashmap"))) {
      var source = instances(otherJob, 1, null, out, false);
      feed(source.get(0), 1, model);
      checkpointAll(source, 1);

      var failed = instances(aloft, 2, chk(other, 1), out, false);
      failed.get(0).checkpoint(2); // never completed: instance 1 stops first
      var elsewhere = instances(thirdJob, 1, chk(other, 1), out, false); // a job with another root
      closeAll(failed);
      assertThat(holds(other, 1)).as("both of the stopped run's, and the third job's").hasSize(3);

      var restarted = instances(aloft, 2, chk(other, 1), out, false);
      assertThat(holds(other, 1)).as("the restarted run's two stand in for the stopped run's").hasSize(3);
      assertThat(FileTrees.files(root()).stream().filter(f -> f.endsWith("/" + CheckpointRoot.FENCE)))
          .as("the stopped run's instances, fenced in this root")
          .hasSize(2);
      assertThat(FileTrees.files(third).stream().filter(f -> f.endsWith("/" + CheckpointRoot.FENCE)))
          .as("nothing fenced in the third job's root")
          .isEmpty();
      assertThat(sums(restarted, out)).isEqualTo(model);
      // The stopped run's instance 0 took checkpoint 2: both instances continue past it, so that no
      // checkpoint 2 of parts from both runs can look complete.
      assertThat(restarted.get(1).lastCheckpointId()).hasValue(2);
      assertThatThrownBy(() -> restarted.get(1).checkpoint(2))
          .hasMessageContaining("earlier runs of processor 'sums' took checkpoints up to 2");
      feedAll(restarted, 3, model);
      checkpointAll(restarted, 3);
      closeAll(restarted);
      assertThat(holds(other, 1)).as("the third job's is left").hasSize(1);
      checkpointAll(source, 2);
      assertThat(other.resolve("chk-1")).as("held by the third job").exists();

      checkpointAll(elsewhere, 1);
      assertThat(holds(other, 1)).isEmpty();
      checkpointAll(source, 3);
      assertThat(other.resolve("chk-1")).as("no hold left: discarded").doesNotExist();
      closeAll(elsewhere);
      closeAll(source);
    }
  }

  @Test
  void aRunStartedInARootWithCheckpointsOfItsProcessorContinuesTheirIds() throws IOException {
    List<String> out = new ArrayList<>();
    try (Aloft aloft = Aloft.create(config(root()))) {
      var first = instances(aloft, 2, null, out, false);
      for (long id = 1; id <= 3; id++) {
        feedAll(first, (int) id, new TreeMap<>());
        checkpointAll(first, id);
      }
      closeAll(first);

      // Started afresh in the same root: reusing id 1 would put its parts beside the first run's.
      Map<String, Long> model = new TreeMap<>();
      var fresh = instances(aloft, 2, null, out, false);
      for (var p : fresh) {
        assertThat(p.lastCheckpointId()).hasValue(3);
      }
      assertThatThrownBy(() -> fresh.get(1).checkpoint(1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("checkpoint ids must increase: 1 after 3 (earlier runs of processor 'sums' took"
              + " checkpoints up to 3 in faulty://" + root() + ")");
      feedAll(fresh, 4, model);
      long next = fresh.stream().mapToLong(p -> p.lastCheckpointId().orElse(0)).max().orElseThrow() + 1;
      checkpointAll(fresh, next);
      assertThat(fresh.get(0).lastCheckpointId()).hasValue(4);
      closeAll(fresh);
      assertEveryListedFileExists();
      assertThat(restoreCopy(4, 1)).isEqualTo(model);
    }
  }

  @Test
  void aHoldThatWinsTheRaceWithADiscardKeepsTheCheckpoint() throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, Long> atOne = new TreeMap<>();
    Path other = dir.resolve("other-job");
    try (Aloft otherJob = Aloft.create(config(other));
        Aloft aloft = Aloft.create(config(root()))) {
      var source = instances(otherJob, 1, null, out, false);
      feed(source.get(0), 1, atOne);
      checkpointAll(source, 1);
      feed(source.get(0), 2, new TreeMap<>());
      List<KeyedProcessor<String, Cmd, String>> restored = new ArrayList<>();
      FaultyFileSystemProvider.beforeRequest(
          l -> l.path().endsWith("chk-1/sums-0of1.meta.discarded"),
          () -> restored.addAll(instances(aloft, 1, chk(other, 1), out, false)));
      checkpointAll(source, 2); // subsumes 1 — but the hold lands first
      assertThat(restored).hasSize(1);
      assertThat(Files.exists(other.resolve("chk-1/sums-0of1.meta"))).isTrue();
      assertThat(Files.exists(other.resolve("chk-1/sums-0of1.meta.discarded"))).isFalse();
      checkpointAll(source, 3);
      assertThat(Files.exists(other.resolve("chk-1/sums-0of1.meta"))).as("still held").isTrue();
      new CheckpointRootFiles(other).assertEveryListedFileExists();
      assertThat(sums(restored, out)).isEqualTo(atOne);
      closeAll(source);
      closeAll(restored);
    }
  }

  @Test
  void aHoldThatLosesTheRaceWithADiscardFailsAndHoldsNothing() throws IOException {
    List<String> out = new ArrayList<>();
    Path other = dir.resolve("other-job");
    try (Aloft otherJob = Aloft.create(config(other));
        Aloft aloft = Aloft.create(config(root()))) {
      var source = instances(otherJob, 1, null, out, false);
      feed(source.get(0), 1, new TreeMap<>());
      checkpointAll(source, 1);
      feed(source.get(0), 2, new TreeMap<>());
      List<Throwable> failed = new ArrayList<>();
      // The tombstone is written; before the discard looks for holds, the restore writes its hold and
      // looks for tombstones: it finds one, takes its hold back and fails.
      FaultyFileSystemProvider.beforeRequest(
          l -> l.path().endsWith("chk-1/sums-0of1.meta.discarded"),
          () -> FaultyFileSystemProvider.beforeRequest(
              l -> l.path().endsWith("/fenced"),
              () -> {
                try {
                  instances(aloft, 1, chk(other, 1), out, false);
                } catch (RuntimeException e) {
                  failed.add(e);
                }
              }));
      checkpointAll(source, 2);
      assertThat(failed).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("being discarded"));
      assertThat(Files.exists(other.resolve("chk-1"))).isFalse();
      new CheckpointRootFiles(other).assertEveryListedFileExists();
      closeAll(source);
    }
  }

  @Test
  void processorsSharingARootKeepToTheirOwnPartsAndLeases() throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, Long> sumsModel = new TreeMap<>();
    Map<String, Long> countsModel = new TreeMap<>();
    try (Aloft aloft = Aloft.create(config(root()))) {
      var sums = instances(aloft, 2, null, out, false);
      var counts = named(aloft, "counts", 1, null, out);
      for (long id = 1; id <= 3; id++) {
        feedAll(sums, (int) id, sumsModel);
        feed(counts.get(0), (int) id + 10, countsModel);
        checkpointAll(sums, id);
        checkpointAll(counts, id);
      }
      assertThat(Files.exists(root().resolve("chk-3/counts-0of1.meta"))).isTrue();
      closeAll(sums);
      // Restoring one processor (at another parallelism) fences only that processor's runs.
      var restored = instances(aloft, 1, chk(root(), 3), out, false);
      assertThat(sums(restored, out)).isEqualTo(sumsModel);
      feed(counts.get(0), 20, countsModel);
      checkpointAll(counts, 4);
      checkpointAll(restored, 4);
      checkpointAll(restored, 5);
      assertThat(sums(counts, out)).isEqualTo(countsModel);
      assertThatThrownBy(() -> named(aloft, "other", 1, chk(root(), 4), out))
          .hasMessageContaining("holds no part of processor 'other'")
          .hasMessageContaining("counts-0of1.meta");
      closeAll(restored);
      closeAll(counts);
      assertEveryListedFileExists();
    }
  }

  @Test
  void aCheckpointMakesNoMoreRequestsAtParallelismEightThanAtOne() throws IOException {
    long[] requests = new long[2];
    int[] parallelisms = {1, 8};
    for (int n = 0; n < 2; n++) {
      Path root = dir.resolve("p" + parallelisms[n]);
      List<String> out = new ArrayList<>();
      try (Aloft aloft = Aloft.create(config(root))) {
        var ps = instances(aloft, parallelisms[n], null, out, false);
        for (long id = 1; id <= 3; id++) {
          for (var p : ps) {
            String key = CheckpointRestoreTest.KEYS.stream()
                .filter(k -> p.keyGroupRange().contains(
                    io.aloft.process.KeyGroups.keyGroupOf(CheckpointRestoreTest.utf(k), 128)))
                .findFirst()
                .orElseThrow();
            p.processElement(new Cmd(key, 1, 0)); // one flushed file per checkpoint
            FaultyFileSystemProvider.failRequest(Long.MAX_VALUE); // counts from here
            p.checkpoint(id);
            requests[n] = FaultyFileSystemProvider.requests(); // the last instance's, in the end
          }
        }
        closeAll(ps);
      }
    }
    // The last instance completes checkpoint 3 and so discards checkpoint 2, with no more requests at
    // parallelism 8 than at 1: no other instance's part or lease is read (at 1 it also removes the
    // emptied directory of checkpoint 2, which at 8 still holds the other instances' parts).
    assertThat(requests[0]).as("requests of one checkpoint at parallelism 1").isGreaterThan(5);
    assertThat(requests[1]).as("requests of one checkpoint at parallelism 8").isBetween(requests[0] - 1, requests[0]);
  }

  private static List<KeyedProcessor<String, Cmd, String>> named(
      Aloft aloft, String name, int parallelism, Location restoreFrom, List<String> out) {
    List<KeyedProcessor<String, Cmd, String>> ps = new ArrayList<>();
    for (int i = 0; i < parallelism; i++) {
      var b = aloft.keyedProcessor(new CheckpointRestoreTest.Sums(false)).name(name).keySelector(Cmd::key)
          .keySerializer(io.aloft.serde.Serializers.STRING).instance(i, parallelism).output(out::add);
      if (restoreFrom != null) {
        b.restoreFrom(restoreFrom);
      }
      ps.add(b.build());
    }
    return ps;
  }

  // ---------------------------------------------------------------------------------------- helpers

  /** The holds on checkpoint {@code id} below {@code root}, by file name. */
  private static Set<String> holds(Path root, long id) throws IOException {
    return FileTrees.files(root.resolve("chk-" + id)).stream()
        .filter(f -> f.endsWith(CheckpointRoot.HOLD_SUFFIX))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The parts of checkpoint {@code id} below {@code root}. */
  private static List<InstanceCheckpoint> partsOf(Path root, long id) throws IOException {
    return new CheckpointRootFiles(root).parts().entrySet().stream()
        .filter(e -> e.getKey().startsWith("chk-" + id + "/"))
        .map(Map.Entry::getValue)
        .toList();
  }

  /** A run of two instances that takes checkpoint 1 (every key once, in {@code model}) and stops. */
  private static void firstRun(Aloft aloft, List<String> out, Map<String, Long> model) {
    var first = instances(aloft, 2, null, out, false);
    feedAll(first, 1, model);
    checkpointAll(first, 1);
    closeAll(first);
  }

  private static void feedAll(List<KeyedProcessor<String, Cmd, String>> ps, int round, Map<String, Long> model) {
    for (var p : ps) {
      feed(p, round, model);
    }
  }

  private void assertEveryListedFileExists() throws IOException {
    new CheckpointRootFiles(root()).assertEveryListedFileExists();
  }

  /** Files below the root's {@code shared/} written by a run: its instance-name suffix or tree id. */
  private Set<String> filesOfRun(String marker) throws IOException {
    return new CheckpointRootFiles(root()).files().stream()
        .filter(f -> f.startsWith("shared/") && f.contains(marker))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The file-name prefix of the forst tree that wrote checkpoint {@code id}'s first file. */
  private String treeId(long id) throws IOException {
    InstanceCheckpoint first = new CheckpointRootFiles(root()).parts().values().stream()
        .filter(part -> part.checkpointId() == id)
        .findFirst()
        .orElseThrow();
    String file = first.files().get(0); // shared/sums-0of1/<tree id>-<n>.sst
    String name = file.substring(file.lastIndexOf('/') + 1);
    return name.substring(0, name.lastIndexOf('-'));
  }

  /** Restores checkpoint {@code id} from a copy of the root and reads every key's sum. */
  private Map<String, Long> restoreCopy(long id, int parallelism) throws IOException {
    Path copy = dir.resolve("copy-" + id + "-" + System.nanoTime());
    FileTrees.copy(root(), copy);
    List<String> out = new ArrayList<>();
    try (Aloft aloft = Aloft.create(config(copy))) {
      var ps = instances(aloft, parallelism, chk(copy, id), out, false);
      Map<String, Long> sums = sums(ps, out);
      closeAll(ps);
      return sums;
    } finally {
      FileTrees.delete(copy);
    }
  }
}
