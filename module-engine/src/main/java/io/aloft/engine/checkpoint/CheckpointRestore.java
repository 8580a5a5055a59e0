package io.aloft.engine.checkpoint;

import io.aloft.engine.checkpoint.CheckpointRoot.Listing;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The restore side of the checkpoint root: reads a checkpoint and checks that it can be restored, then
 * either takes over the runs it replaces (a checkpoint in the run's own root) or holds it (a checkpoint
 * in another root). Its side of the safety argument in {@link CheckpointStore}: it writes its fences,
 * or its hold, before it checks that the parts it restores have no tombstone.
 *
 * <p>Threading: runs on the thread that builds the processor, which becomes its task thread.
 */
final class CheckpointRestore {
  private final CheckpointRoot root;
  private final InstanceRun run;
  private final RetainedCheckpoints retained;

  private CheckpointRestore(CheckpointStore store) {
    this.root = store.root();
    this.run = store.run();
    this.retained = store.retained();
  }

  // ------------------------------------------------------------------------------------------ reading

  /** See {@link CheckpointStore#readComplete}. */
  static List<InstanceCheckpoint> readComplete(StateFileSystem fs, Location checkpointDir, String operator)
      throws IOException {
    Listing listing = Listing.of(fs, checkpointDir, operator);
    if (listing.parts().isEmpty()) {
      Listing all = Listing.of(fs, checkpointDir, null);
      if (all.parts().isEmpty()) {
        throw new FileNotFoundException("no completed checkpoint at " + checkpointDir);
      }
      List<String> others = all.parts().stream().map(Location::fileName).sorted().toList();
      throw new FileNotFoundException(
          "checkpoint " + checkpointDir + " holds no part of processor '" + operator + "' (its parts: "
              + String.join(", ", others) + ")");
    }
    if (!listing.tombstones().isEmpty()) {
      throw new CheckpointException(
          "checkpoint " + checkpointDir + " is being discarded (a newer checkpoint subsumed it): "
              + "restore from a newer checkpoint");
    }
    List<InstanceCheckpoint> read = new ArrayList<>();
    for (Location part : listing.parts()) {
      read.add(checked(InstanceCheckpoint.read(fs, part), part, operator));
    }
    String problem = KeyGroupCoverage.problem(read);
    if (problem != null) {
      throw new CheckpointException("checkpoint " + checkpointDir + " " + problem);
    }
    return read;
  }

  /**
   * {@code part}, read from {@code location}, once it is known to name only what a part of {@code
   * operator} may name ({@link PartEntries}) and to sit in the file its instance name gives.
   */
  private static InstanceCheckpoint checked(InstanceCheckpoint part, Location location, String operator)
      throws CheckpointException {
    if (!location.fileName().equals(part.instanceName() + InstanceCheckpoint.SUFFIX)) {
      throw new CheckpointException(
          "checkpoint part " + location + " is refused: it names the instance '"
              + PartEntries.printable(part.instanceName()) + "', whose part is another file");
    }
    PartEntries.check(part, location.toString(), operator);
    return part;
  }

  /** The first of {@code parts} that {@code now} does not show as present and not being discarded. */
  private static Location firstDiscarded(Listing now, Collection<Location> parts) {
    return parts.stream().filter(part -> !now.hasLive(part)).findFirst().orElse(null);
  }

  private static CheckpointException discardedWhileRestoring(Location checkpointDir, Location part) {
    return new CheckpointException(
        "checkpoint " + checkpointDir + " was discarded while it was being restored (" + part
            + "): restore from a newer checkpoint");
  }

  // ------------------------------------------------------------------------------------------ restore

  /** See {@link CheckpointStore#restore}; {@code ownRoot} is null, or a root served by {@code ownFs}. */
  static CheckpointStore restore(
      StateFileSystem fs, Location checkpointDir, List<InstanceCheckpoint> restoredParts,
      StateFileSystem ownFs, Location ownRoot, String operator, String instanceName, int maxParallelism,
      KeyGroupRange keyGroups, int numRetained) throws IOException {
    Location checkpointRoot = checkpointDir.parent();
    if (ownRoot != null && ownRoot.equals(checkpointRoot)) {
      CheckpointStore taker =
          new CheckpointStore(
              new CheckpointRoot(fs, checkpointRoot, operator), instanceName, maxParallelism, keyGroups,
              numRetained);
      new CheckpointRestore(taker).takeOver(checkpointDir, restoredParts);
      return taker;
    }
    // Without a root of its own, no checkpoint of this run will ever replace the held one: the hold
    // stays, and names no root, so no later restore takes it over.
    CheckpointStore store =
        ownRoot == null
            ? null
            : new CheckpointStore(
                new CheckpointRoot(ownFs, ownRoot, operator), instanceName, maxParallelism, keyGroups,
                numRetained);
    String run = store == null ? CheckpointRoot.newRun(instanceName) : store.incarnation();
    Location marker = checkpointDir.resolve(run + CheckpointRoot.HOLD_SUFFIX);
    Listing now =
        hold(fs, checkpointDir, restoredParts, operator, new Hold(run, ownRoot, maxParallelism, keyGroups), marker);
    if (store != null) {
      HeldCheckpoint mine = new HeldCheckpoint(fs, marker, checkpointRoot);
      store.retention().holdUntilReplaced(mine);
      new CheckpointRestore(store).takeOverHolds(mine, now.holds());
      store.retained().reserveIdsNamedBy(store.root().readLeases().values());
    }
    return store;
  }

  /**
   * Marks a checkpoint in another root as held ({@code chk-<id>/<run>.hold}): the runs there keep it,
   * and every file it lists, until the hold is released. Nothing there is fenced — the other job may
   * go on. Returns the checkpoint directory's listing once the hold is written.
   */
  private static Listing hold(
      StateFileSystem fs, Location checkpointDir, List<InstanceCheckpoint> parts, String operator, Hold hold,
      Location marker) throws IOException {
    hold.write(fs, marker);
    // Held: a discard from now on sees the hold and stops. Was one already under way?
    Listing now = Listing.of(fs, checkpointDir, operator);
    List<Location> locations =
        parts.stream().map(part -> InstanceCheckpoint.file(checkpointDir, part.instanceName())).toList();
    Location discarded = firstDiscarded(now, locations);
    if (discarded != null) {
      fs.delete(marker);
      throw discardedWhileRestoring(checkpointDir, discarded);
    }
    return now;
  }

  /**
   * Takes over the holds that earlier runs of this processor, checkpointing into this run's root, put
   * on the checkpoint it restores (a restart from the same checkpoint before any of their checkpoints
   * was complete): fences those whose key groups overlap this run's, as a restore in the own root
   * does, then deletes their holds — this run's own hold ({@code mine}) stands in for them. Holds of
   * other roots, and holds that cannot be read, stay.
   */
  private void takeOverHolds(HeldCheckpoint mine, Set<Location> holds) throws IOException {
    for (Location other : holds) {
      if (other.equals(mine.marker())) {
        continue;
      }
      Hold earlier;
      try {
        earlier = Hold.read(mine.fs(), other);
      } catch (CheckpointException | FileNotFoundException | NoSuchFileException unreadable) {
        continue; // released meanwhile, or not ours to judge
      }
      // A hold decides which run is fenced: it must be the hold of the run its file is named after,
      // a run of this processor; any other is not ours to act on.
      boolean wellFormed =
          other.fileName().equals(earlier.run() + CheckpointRoot.HOLD_SUFFIX)
              && CheckpointRoot.isRunOf(earlier.run(), root.operator())
              && PartEntries.isRunOf(earlier.run(), CheckpointRoot.instanceOf(earlier.run()));
      if (wellFormed
          && root.location().equals(earlier.ownRoot())
          && earlier.maxParallelism() == run.maxParallelism()
          && earlier.keyGroups().overlaps(run.keyGroups())) {
        root.fence(earlier.run());
        mine.fs().delete(other);
      }
    }
  }

  // -------------------------------------------------------------------------------------- take over

  /**
   * Takes over the runs this restore replaces: the writers of the parts it restores and every run whose
   * lease overlaps its key groups. Retains what they retained under a new lease, fences them, checks
   * that the parts it restores are still there, and removes their leases.
   */
  private void takeOver(Location checkpointDir, List<InstanceCheckpoint> restoredParts) throws IOException {
    long restoredId = restoredParts.get(0).checkpointId();
    List<String> restoring = new ArrayList<>();
    Set<String> predecessors = new LinkedHashSet<>();
    for (InstanceCheckpoint part : restoredParts) {
      if (part.keyGroupRange().overlaps(run.keyGroups())) {
        String path = root.relative(InstanceCheckpoint.file(checkpointDir, part.instanceName()));
        retained.parts.put(path, part);
        restoring.add(path);
        if (!part.incarnation().isEmpty()) {
          predecessors.add(part.incarnation());
        }
      }
    }
    Map<String, Lease> leases = root.readLeases();
    checkRunsOfParts(checkpointDir, restoredParts, leases);
    for (Lease lease : leases.values()) {
      if (run.overlaps(lease)) {
        predecessors.add(lease.incarnation());
      }
    }
    retained.byId.put(restoredId, new ArrayList<>(restoring));
    for (String predecessor : predecessors) {
      retained.adopt(leases.get(predecessor));
    }
    loadRetainedParts(restoring);
    retained.writeLease();
    for (String predecessor : predecessors) {
      root.fence(predecessor);
    }
    checkStillThere(checkpointDir, restoring);
    adoptLateCheckpoints(predecessors, restoring);
    for (String predecessor : predecessors) {
      root.fs().delete(root.leaseLocation(predecessor));
    }
    retained.reserveIdsTakenOver();
    retained.reserveIdsNamedBy(leases.values()); // runs with other key groups may have gone further
  }

  /**
   * The part's run decides whose lease is removed and which run is fenced: it must be the run whose
   * lease says it holds exactly these key groups.
   */
  private static void checkRunsOfParts(
      Location checkpointDir, List<InstanceCheckpoint> restoredParts, Map<String, Lease> leases)
      throws CheckpointException {
    for (InstanceCheckpoint part : restoredParts) {
      Lease lease = part.incarnation().isEmpty() ? null : leases.get(part.incarnation());
      if (lease != null
          && (!lease.instanceName().equals(part.instanceName())
              || !lease.keyGroups().equals(part.keyGroupRange())
              || lease.maxParallelism() != part.maxParallelism())) {
        throw new CheckpointException(
            "checkpoint part " + InstanceCheckpoint.file(checkpointDir, part.instanceName())
                + " is refused: its run '" + part.incarnation() + "' has a lease for instance '"
                + lease.instanceName() + "' and key groups " + lease.keyGroups() + ", not for the part's '"
                + part.instanceName() + "' and " + part.keyGroupRange());
      }
    }
  }

  /**
   * Fenced: the runs replaced here discard nothing from now on. Were the parts restored here discarded
   * before that? Then this restore uses nothing and fails.
   */
  private void checkStillThere(Location checkpointDir, List<String> restoring) throws IOException {
    Listing now = root.list(checkpointDir);
    Location discarded = firstDiscarded(now, restoring.stream().map(root::resolve).toList());
    if (discarded != null) {
      run.dropLease();
      throw discardedWhileRestoring(checkpointDir, discarded);
    }
  }

  /**
   * A replaced run may have completed a checkpoint after its lease was read and before it saw its
   * fence: takes that over too.
   */
  private void adoptLateCheckpoints(Set<String> predecessors, List<String> restoring) throws IOException {
    boolean more = false;
    for (String predecessor : predecessors) {
      more |= retained.adopt(root.readLease(predecessor));
    }
    if (more) {
      loadRetainedParts(restoring);
      retained.writeLease();
    }
  }

  /**
   * Reads the retained parts not read yet; parts that no longer exist (a replaced run discarded them)
   * are dropped, except those being restored ({@code required}). Every file they list is inherited.
   */
  private void loadRetainedParts(List<String> required) throws IOException {
    for (var it = retained.byId.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, List<String>> e = it.next();
      for (var paths = e.getValue().iterator(); paths.hasNext(); ) {
        String path = paths.next();
        if (retained.parts.containsKey(path)) {
          continue;
        }
        Location location = root.resolve(path);
        try {
          retained.parts.put(path, checked(InstanceCheckpoint.read(root.fs(), location), location, root.operator()));
        } catch (NoSuchFileException | FileNotFoundException gone) {
          if (required.contains(path)) {
            throw gone;
          }
          paths.remove();
        }
      }
      if (e.getValue().isEmpty()) {
        it.remove();
      }
    }
    for (List<String> paths : retained.byId.values()) {
      for (String path : paths) {
        retained.inheritedFiles.addAll(retained.parts.get(path).files());
      }
    }
  }
}
