package io.aloft.engine.checkpoint;

import io.aloft.spi.backend.KeyGroupRange;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;

/**
 * One run of a processor instance in its checkpoint root: its name ({@code <instance>-<uuid>}), its key
 * groups, its lease and whether a restore has fenced it.
 *
 * <p>Threading: owned by the processor's task thread ({@link #fenced} and {@link #leaseWritten} change
 * there only).
 */
final class InstanceRun {
  private final CheckpointRoot root;
  private final String instanceName;
  private final String incarnation;
  private final int maxParallelism;
  private final KeyGroupRange keyGroups;
  private boolean fenced;
  private boolean leaseWritten;

  InstanceRun(CheckpointRoot root, String instanceName, int maxParallelism, KeyGroupRange keyGroups) {
    this.root = root;
    this.instanceName = instanceName;
    this.incarnation = CheckpointRoot.newRun(instanceName);
    this.maxParallelism = maxParallelism;
    this.keyGroups = keyGroups;
  }

  CheckpointRoot root() {
    return root;
  }

  String instanceName() {
    return instanceName;
  }

  String incarnation() {
    return incarnation;
  }

  int maxParallelism() {
    return maxParallelism;
  }

  KeyGroupRange keyGroups() {
    return keyGroups;
  }

  /** The path of this run's part of checkpoint {@code checkpointId}, relative to the root. */
  String ownPart(long checkpointId) {
    return root.partPath(checkpointId, instanceName);
  }

  /** Whether a lease of {@code lease}'s run would stand for the same instance and key groups as this run. */
  boolean sameInstance(Lease lease) {
    return lease.instanceName().equals(instanceName)
        && lease.maxParallelism() == maxParallelism
        && lease.keyGroups().equals(keyGroups);
  }

  /** Whether {@code lease}'s run held key groups that this run now holds. */
  boolean overlaps(Lease lease) {
    return lease.maxParallelism() == maxParallelism && lease.keyGroups().overlaps(keyGroups);
  }

  /** Replaces this run's lease: it retains {@code retained} and names the {@code inherited} files. */
  void writeLease(SortedMap<Long, List<String>> retained, Set<String> inherited) throws IOException {
    new Lease(incarnation, instanceName, maxParallelism, keyGroups, retained, inherited)
        .write(root.fs(), root.leaseLocation(incarnation));
    leaseWritten = true;
  }

  /** Removes this run's lease: whoever fenced it, or a failed restore, stands for what it named. */
  void dropLease() {
    root.deleteQuietly(root.leaseLocation(incarnation));
  }

  /** Whether a restore has taken this run's key groups over. */
  boolean fenced() {
    return fenced;
  }

  /**
   * Fails if a restore has fenced this run; the first time it sees the fence, it drops its lease (the
   * restore took over what it named).
   */
  void checkNotFenced() throws IOException {
    if (!fenced && root.fs().exists(root.fenceLocation(incarnation))) {
      fenced = true;
      dropLease();
    }
    if (fenced) {
      throw new CheckpointException(
          instanceName + " (run " + incarnation + ") was fenced: a processor restored from a checkpoint has"
              + " taken over its key groups (" + root.fenceLocation(incarnation) + "). This"
              + " instance must stop; it completes no checkpoint and deletes nothing any more.");
    }
  }

  /**
   * Once the run has closed: its lease is final, so a later start of this instance may merge it with
   * other ended runs' ({@link EndedRuns}). A run that wrote no lease, or was fenced, has nothing to end.
   */
  void end() throws IOException {
    if (leaseWritten && !fenced) {
      root.markEnded(incarnation);
    }
  }
}
