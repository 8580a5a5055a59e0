package io.aloft.engine.checkpoint;

import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One processor instance's share of the checkpoint root: which checkpoint parts it retains, which
 * shared files it still needs, and when it may delete them — kept without a coordinator, through
 * objects in the root that every instance can read. Flink keeps this in its JobManager (the completed
 * checkpoint store and the shared state registry); Aloft's instances have no JobManager, so each keeps
 * its own, and they agree through four kinds of objects:
 *
 * <ul>
 *   <li><b>Parts</b> ({@code chk-<id>/<instance>.meta}, {@link InstanceCheckpoint}) list the files they
 *       need. A checkpoint is <i>complete</i> when its parts cover every key group exactly once.
 *   <li><b>Leases</b> ({@code instances/<incarnation>/lease}, {@link Lease}): each run of an instance
 *       names the parts it retains and the files written by other runs that those parts list.
 *   <li><b>Fences</b> ({@code instances/<incarnation>/fenced}): written by a restore for every run
 *       whose key groups it takes over. A fenced run completes no checkpoint and deletes nothing.
 *   <li><b>Holds</b> ({@code chk-<id>/<run>.hold}): written by a restore from another root. A held
 *       checkpoint is not discarded. The run that wrote the hold deletes it once one of its own
 *       checkpoints is complete and its backend no longer reads the other root.
 * </ul>
 *
 * <p>Rules. An instance retains its newest {@code num-retained} complete checkpoints and every newer
 * one; older ones are discarded. A restore <i>takes over</i> the runs it replaces (the writers of the
 * parts it reads and any run whose lease overlaps its key groups): it retains what their leases
 * retained, the restored checkpoint included, and fences them. Files a run wrote itself are deleted by
 * its backend once none of its retained checkpoints lists them ({@code checkpointSubsumed}); files of
 * other runs (inherited by a restore) are deleted by the last instance whose lease names them; a part
 * of another run is deleted by the last instance whose lease retains it.
 *
 * <p>Why this is safe without a coordinator: each pair of racing parties writes before it reads what
 * the other writes. A discard writes a tombstone ({@code <part>.discarded}) and then checks its own
 * fence; a restore writes its fences and then checks that the parts it reads have no tombstone. At
 * least one of the two sees the other: either the discard stops (deleting nothing) or the restore
 * fails with a clear error (using nothing). Likewise two instances dropping the same inherited file
 * each rewrite their lease before reading the others', so the last one deletes it. A crash at any
 * point leaves more files than needed, never fewer.
 *
 * <p>This class is the facade the runtime uses; the rules live by concern in the package: {@link
 * CheckpointRestore} (reading, taking over and holding a checkpoint), {@link CheckpointRetention}
 * (discarding expired checkpoints and releasing holds), {@link RetainedCheckpoints} (what a run
 * retains and its lease), {@link InstanceRun} (a run's name, lease and fence), {@link CheckpointRoot}
 * (the layout of the root and the reading of leases), {@link EndedRuns} (merging ended runs' leases),
 * {@link KeyGroupCoverage} (when a checkpoint is complete) and {@link SharedFileRegistry} (the only code
 * that deletes a shared file).
 *
 * <p>Threading: owned by the processor's task thread; so is every mutable field of the classes above
 * but the registry, which is thread-safe.
 */
public final class CheckpointStore {
  private final CheckpointRoot root;
  private final InstanceRun run;
  private final RetainedCheckpoints retained;
  private final CheckpointRetention retention;

  CheckpointStore(
      CheckpointRoot root, String instanceName, int maxParallelism, KeyGroupRange keyGroups, int numRetained) {
    this.root = root;
    this.run = new InstanceRun(root, instanceName, maxParallelism, keyGroups);
    this.retained = new RetainedCheckpoints(run);
    this.retention = new CheckpointRetention(run, retained, numRetained);
  }

  /**
   * The store of a run that starts without restoring. It writes nothing until its first checkpoint; it
   * reads the leases of its processor's earlier runs in the root, whose checkpoint ids it must not
   * reuse, and merges those of its instance's ended runs ({@link EndedRuns}).
   *
   * @param operator the processor's name: the processors of one job share a root, and each keeps to
   *     the parts and leases of its own instances ({@code <operator>-<index>of<parallelism>})
   */
  public static CheckpointStore create(
      StateFileSystem fs,
      Location root,
      String operator,
      String instanceName,
      int maxParallelism,
      KeyGroupRange keyGroups,
      int numRetained)
      throws IOException {
    CheckpointStore store =
        new CheckpointStore(new CheckpointRoot(fs, root, operator), instanceName, maxParallelism, keyGroups, numRetained);
    List<FileEntry> runs = store.root.listRuns();
    Map<String, Lease> leases = store.root.readLeases(runs);
    store.retained.reserveIdsNamedBy(leases.values());
    EndedRuns.merge(store.run, leases, runs);
    store.root.removeEndedRuns(runs, java.util.Set.of());
    return store;
  }

  /** This run's unique name: {@code <instance>-<uuid>}. */
  public String incarnation() {
    return run.incarnation();
  }

  CheckpointRoot root() {
    return root;
  }

  InstanceRun run() {
    return run;
  }

  RetainedCheckpoints retained() {
    return retained;
  }

  CheckpointRetention retention() {
    return retention;
  }

  // ------------------------------------------------------------------------------------------ restore

  /**
   * Reads every part of a checkpoint and checks that it can be restored: complete (every key group in
   * exactly one part), of one max parallelism, and not being discarded.
   *
   * @throws FileNotFoundException if the directory holds no part
   * @throws CheckpointException naming the checkpoint and the key groups or parts at fault
   */
  public static List<InstanceCheckpoint> readComplete(
      StateFileSystem fs, Location checkpointDir, String operator) throws IOException {
    return CheckpointRestore.readComplete(fs, checkpointDir, operator);
  }

  /**
   * Prepares a restore: in this run's own root, takes over the runs it replaces — retains what they
   * retained (the restored checkpoint included) under a new lease, fences them, checks that the parts
   * it restores are still there, and removes their leases.
   *
   * <p>When the checkpoint is in this run's own root, the returned store owns what it took over and
   * discards it as its own checkpoints complete. Otherwise the restore only holds the checkpoint, as
   * Flink's {@code NO_CLAIM} restore mode: the runs there are not fenced and do not discard it while
   * it is held, and nothing there is ever deleted by this run but its hold, which it releases once
   * the checkpoint is no longer needed ({@link #expire}, {@link #backendClosed}); the returned store
   * starts empty in its own root.
   *
   * @param restoredParts what {@link #readComplete} returned for {@code checkpointDir}
   * @param operator the processor's name, as for {@link #create}
   * @param ownRoot this run's {@code execution.checkpointing.dir}, or null when it has none
   * @param ownFs the file system of {@code ownRoot}
   */
  public static CheckpointStore restore(
      StateFileSystem fs,
      Location checkpointDir,
      List<InstanceCheckpoint> restoredParts,
      StateFileSystem ownFs,
      Location ownRoot,
      String operator,
      String instanceName,
      int maxParallelism,
      KeyGroupRange keyGroups,
      int numRetained)
      throws IOException {
    return CheckpointRestore.restore(
        fs, checkpointDir, restoredParts, ownFs, ownRoot, operator, instanceName, maxParallelism, keyGroups,
        numRetained);
  }

  // --------------------------------------------------------------------------------------- checkpoint

  /**
   * Checks that {@code checkpointId} can be written now: ids increase, also past every checkpoint taken
   * over by a restore and every checkpoint earlier runs of the processor took in this root.
   *
   * @throws IllegalArgumentException if it does not
   */
  public void checkNextId(long checkpointId) {
    retained.checkNextId(checkpointId);
  }

  /** The highest checkpoint id this run took, took over, or found in use in its root. */
  public OptionalLong lastCheckpointId() {
    return retained.lastCheckpointId();
  }

  /**
   * Before a checkpoint writes anything: fails if this run is fenced, and names the part it is about
   * to write in its lease, so that a restore racing with it takes the part over too.
   */
  public void beginCheckpoint(long checkpointId) throws IOException {
    run.checkNotFenced();
    retained.writeLeaseWith(checkpointId);
  }

  /**
   * After this run's part is written: the checkpoint is this run's to retain. If a restore fenced the
   * run meanwhile, this fails, but the part stays retained: the restore may be using it, and a fenced
   * run deletes nothing.
   */
  public void completeCheckpoint(InstanceCheckpoint part) throws IOException {
    retained.retainOwn(part);
    retained.unconfirmed.add(part.checkpointId());
    run.checkNotFenced();
    retained.unconfirmed.remove(part.checkpointId());
  }

  /**
   * After a checkpoint failed once its part was being written: whether the part may be in storage
   * anyway (written before the failure, or the write's answer lost). Such a part is retained, as a
   * completed one: a restore may find it, so what it lists must stay until retention discards it.
   */
  public boolean keepIfWritten(InstanceCheckpoint part) {
    if (retained.byId.containsKey(part.checkpointId())) {
      return true;
    }
    boolean mayExist;
    try {
      mayExist = root.fs().exists(root.resolve(run.ownPart(part.checkpointId())));
    } catch (IOException | RuntimeException unknown) {
      mayExist = true;
    }
    if (mayExist) {
      retained.retainOwn(part);
      retained.unconfirmed.add(part.checkpointId());
    }
    return mayExist;
  }

  /** Whether a restore has taken this run's key groups over. */
  public boolean fenced() {
    return run.fenced();
  }

  // ---------------------------------------------------------------------------------------- retention

  /**
   * Discards the checkpoints beyond retention: those older than the {@code num-retained}-th newest
   * complete one. Deletes the parts no other lease retains, lets the backend delete what only this
   * run's discarded checkpoints needed, and deletes the inherited files no lease names any more. A
   * failure leaves the rest for the next call (and counts in {@link #metrics()}): deleting late loses
   * nothing, deleting wrongly would.
   */
  public void expire(KeyedStateBackend backend) {
    retention.expire(backend);
  }

  /**
   * Once the backend is closed: releases this run's hold on the checkpoint in another root it was
   * restored from, if one of its own checkpoints is complete (otherwise a restart needs the held one).
   */
  public void backendClosed() {
    try {
      retention.releaseHold(null);
    } catch (IOException | RuntimeException e) {
      retention.cleanupFailed();
    }
    // Its lease is final now: a later start of this instance may merge it with other ended runs'.
    try {
      run.end();
    } catch (IOException | RuntimeException e) {
      retention.cleanupFailed(); // not merged, still correct
    }
  }

  /**
   * {@code checkpoint.retained}: checkpoints this run retains (its own and those it took over);
   * {@code checkpoint.cleanup-failures}: discards a storage error interrupted (each is retried by the
   * next checkpoint); {@code checkpoint.fenced}: 1 once a restore has taken this run's key groups over.
   */
  public Map<String, Long> metrics() {
    return Map.of(
        "checkpoint.retained", (long) retained.byId.size(),
        "checkpoint.cleanup-failures", retention.cleanupFailures(),
        "checkpoint.fenced", run.fenced() ? 1L : 0L);
  }
}
