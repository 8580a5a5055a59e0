package io.aloft.engine.checkpoint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one run retains: the checkpoint parts (its own and those a restore took over), the files of
 * other runs they list, which checkpoints are known complete, and the lowest id its next checkpoint may
 * take. Its lease ({@link #writeLease}) is this, written down. The restore ({@link CheckpointRestore})
 * fills it, checkpoints add to it, retention ({@link CheckpointRetention}) takes from it.
 *
 * <p>Threading: owned by the processor's task thread, like every mutable field below.
 */
final class RetainedCheckpoints {
  private final InstanceRun run;

  /** Parts read or written so far, by path relative to the root: parts never change. */
  final Map<String, InstanceCheckpoint> parts = new HashMap<>();
  /** The parts this run retains, by checkpoint id: its own and those it took over. */
  final TreeMap<Long, List<String>> byId = new TreeMap<>();
  /** The part paths this run wrote. */
  final Set<String> ownParts = new HashSet<>();
  /** Checkpoints known to be complete. */
  final Set<Long> complete = new HashSet<>();
  /**
   * Own checkpoints whose part may exist though the checkpoint failed: retained, so that what they
   * list stays, but never counted as complete, so that they subsume nothing.
   */
  final Set<Long> unconfirmed = new HashSet<>();
  /** Files written by other runs that this run took over with their parts. */
  final Set<String> inheritedFiles = new HashSet<>();

  private long lastCheckpointId = Long.MIN_VALUE;
  /** Until this run's first checkpoint: why its ids must exceed {@link #lastCheckpointId}, or null. */
  private String idFloor;

  RetainedCheckpoints(InstanceRun run) {
    this.run = run;
  }

  // -------------------------------------------------------------------------------------------- ids

  /**
   * Checks that {@code checkpointId} can be written now.
   *
   * @throws IllegalArgumentException if it does not exceed every id taken, taken over or in use
   */
  void checkNextId(long checkpointId) {
    if (checkpointId <= lastCheckpointId) {
      throw new IllegalArgumentException(
          "checkpoint ids must increase: " + checkpointId + " after " + lastCheckpointId
              + (idFloor != null ? " (" + idFloor + ")" : ""));
    }
  }

  OptionalLong lastCheckpointId() {
    return lastCheckpointId == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(lastCheckpointId);
  }

  /**
   * Raises the lowest id this run may take past every checkpoint that a lease of its processor in the
   * root names. A part of such a checkpoint may be there: this run's part beside it would make one
   * checkpoint of the parts of two runs, which would look complete by its part names but hold state
   * from different histories.
   */
  void reserveIdsNamedBy(Collection<Lease> leases) {
    CheckpointRoot root = run.root();
    for (Lease lease : leases) {
      if (!lease.retained().isEmpty() && lease.retained().lastKey() > lastCheckpointId) {
        lastCheckpointId = lease.retained().lastKey();
        idFloor =
            "earlier runs of processor '" + root.operator() + "' took checkpoints up to " + lastCheckpointId
                + " in " + root.location();
      }
    }
  }

  /** After a restore took over what it retains: its ids must exceed the newest of those. */
  void reserveIdsTakenOver() {
    lastCheckpointId = byId.lastKey();
    idFloor = "the restore took over checkpoints up to " + lastCheckpointId;
  }

  // ---------------------------------------------------------------------------------------- retaining

  /** Retains this run's own part of a checkpoint. */
  void retainOwn(InstanceCheckpoint part) {
    String path = run.ownPart(part.checkpointId());
    parts.put(path, part);
    ownParts.add(path);
    lastCheckpointId = Math.max(lastCheckpointId, part.checkpointId());
    idFloor = null;
    byId.put(part.checkpointId(), new ArrayList<>(List.of(path)));
  }

  /** Retains what {@code lease} retained; returns whether anything was new. */
  boolean adopt(Lease lease) {
    if (lease == null) {
      return false;
    }
    boolean added = false;
    for (Map.Entry<Long, List<String>> e : lease.retained().entrySet()) {
      List<String> mine = byId.computeIfAbsent(e.getKey(), id -> new ArrayList<>());
      for (String part : e.getValue()) {
        if (!mine.contains(part)) {
          mine.add(part);
          added = true;
        }
      }
    }
    return added;
  }

  /** The files of other runs that the parts of {@code checkpoints} list. */
  Set<String> inheritedIn(Map<Long, List<String>> checkpoints) {
    Set<String> files = new LinkedHashSet<>();
    for (List<String> paths : checkpoints.values()) {
      for (String path : paths) {
        InstanceCheckpoint part = parts.get(path);
        if (part != null) {
          part.files().stream().filter(inheritedFiles::contains).forEach(files::add);
        }
      }
    }
    return files;
  }

  // -------------------------------------------------------------------------------------------- lease

  /** Writes this run's lease as it retains now. */
  void writeLease() throws IOException {
    run.writeLease(byId, inheritedIn(byId));
  }

  /** Writes this run's lease naming also its part of {@code checkpointId}, about to be written. */
  void writeLeaseWith(long checkpointId) throws IOException {
    TreeMap<Long, List<String>> withNew = new TreeMap<>(byId);
    withNew.put(checkpointId, List.of(run.ownPart(checkpointId)));
    run.writeLease(withNew, inheritedIn(withNew));
  }
}
