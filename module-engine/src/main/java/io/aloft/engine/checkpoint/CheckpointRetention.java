package io.aloft.engine.checkpoint;

import io.aloft.spi.backend.FileOwnership;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Retention: which of a run's checkpoints are beyond {@code num-retained}, and their discard in named
 * steps — tombstones, the fence check, holds, the lease update, what other instances still need, the
 * parts, and the inherited files, which {@link SharedFileRegistry} deletes. Its side of the safety
 * argument in {@link CheckpointStore}: it writes its tombstones before it checks its fence and the
 * holds, and rewrites its lease before it reads the others'. Also releases the run's hold on a
 * checkpoint in another root once nothing needs it.
 *
 * <p>Threading: owned by the processor's task thread, like every mutable field below.
 */
final class CheckpointRetention {
  private static final System.Logger LOG = System.getLogger(CheckpointStore.class.getName());

  private final CheckpointRoot root;
  private final InstanceRun run;
  private final RetainedCheckpoints retained;
  private final int numRetained;
  /** Deletes inherited files for a backend without a registry of its own (it reads none in place). */
  private final SharedFileRegistry ownRegistry;

  /** Discarded checkpoints whose deletions have not all happened yet (tombstones are written). */
  private final TreeMap<Long, List<String>> discarding = new TreeMap<>();
  /** Checkpoints a restore in another root holds: retained while a hold is there. */
  private final Set<Long> held = new HashSet<>();
  /** Inherited files this run no longer needs, until the last lease naming them is gone. */
  private final Set<String> unneeded = new LinkedHashSet<>();
  /** This run's hold on the checkpoint in another root it was restored from, until released. */
  private HeldCheckpoint heldCheckpoint;
  private long cleanupFailures;
  /** What was last reported about each subject: a failure that repeats is logged once, not per retry. */
  private final Map<String, String> reported = new HashMap<>();

  CheckpointRetention(InstanceRun run, RetainedCheckpoints retained, int numRetained) {
    this.root = run.root();
    this.run = run;
    this.retained = retained;
    this.numRetained = numRetained;
    this.ownRegistry = new SharedFileRegistry(location -> root.fs(), FileOwnership.ALOFT);
  }

  /** See {@link CheckpointStore#expire}. */
  void expire(KeyedStateBackend backend) {
    try {
      discardExpired(backend);
      releaseHold(backend);
    } catch (IOException | RuntimeException e) {
      cleanupFailed();
      warnOnce("clean-up of " + root.location(), "failed (tried again at the next checkpoint): " + e);
    }
  }

  /** Keeps {@code hold} until {@link #releaseHold} finds that nothing needs the held checkpoint. */
  void holdUntilReplaced(HeldCheckpoint hold) {
    heldCheckpoint = hold;
  }

  /**
   * Deletes this run's hold once nothing needs the held checkpoint: a checkpoint of this processor in
   * this run's own root is complete (its parts list copies, never a file of the other root, so a
   * restart restores from it) and the backend ({@code null}: closed) no longer reads the other root.
   * The other job then discards the checkpoint as its retention says.
   */
  void releaseHold(KeyedStateBackend backend) throws IOException {
    if (heldCheckpoint == null
        || retained.complete.isEmpty()
        || (backend != null && backend.readsBelow(heldCheckpoint.otherRoot()))) {
      return;
    }
    heldCheckpoint.fs().delete(heldCheckpoint.marker());
    heldCheckpoint = null;
  }

  /** Counts a clean-up that a storage error interrupted (it is tried again later). */
  void cleanupFailed() {
    cleanupFailures++;
  }

  long cleanupFailures() {
    return cleanupFailures;
  }

  private void warnOnce(String subject, String what) {
    if (!what.equals(reported.put(subject, what))) {
      LOG.log(System.Logger.Level.WARNING, run.instanceName() + ": " + subject + " " + what);
    }
  }

  // ------------------------------------------------------------------------------------------ discard

  private void discardExpired(KeyedStateBackend backend) throws IOException {
    if (run.fenced()) {
      return;
    }
    Map<Long, List<String>> expired = expiredCheckpoints();
    if (expired.isEmpty() && discarding.isEmpty() && unneeded.isEmpty()) {
      return;
    }
    startDiscarding(expired);
    if (fencedMeanwhile()) {
      return;
    }
    keepHeld(expired);
    Set<String> stillInherited = dropFromLease(expired);
    NeededByOthers others = neededByOthers();
    Set<Location> emptied = deleteParts(backend, others.parts());
    releaseInherited(backend, others.files(), emptied);
    for (Location dir : emptied) {
      root.deleteIfEmpty(dir);
    }
    retained.inheritedFiles.retainAll(stillInherited);
  }

  /**
   * The checkpoints older than the {@code num-retained}-th newest complete one, but for those a restore
   * in another root still holds.
   */
  private Map<Long, List<String>> expiredCheckpoints() throws IOException {
    List<Long> completeIds = new ArrayList<>();
    for (long id : retained.byId.keySet()) {
      if (retained.unconfirmed.contains(id)) {
        continue;
      }
      if (retained.complete.contains(id)
          || KeyGroupCoverage.isComplete(root.list(id), root.operator(), run.maxParallelism())) {
        retained.complete.add(id);
        completeIds.add(id);
      }
    }
    Map<Long, List<String>> expired = new TreeMap<>();
    if (completeIds.size() > numRetained) {
      expired.putAll(retained.byId.headMap(completeIds.get(completeIds.size() - numRetained)));
      for (var it = expired.keySet().iterator(); it.hasNext(); ) {
        long id = it.next();
        if (held.contains(id)) {
          if (root.list(id).holds().isEmpty()) {
            held.remove(id); // released: discarded as usual (keepHeld looks again after the tombstones)
          } else {
            it.remove();
          }
        }
      }
    }
    return expired;
  }

  /** 1. Tombstones first: a restore that reads one of these parts from now on fails cleanly. */
  private void startDiscarding(Map<Long, List<String>> expired) throws IOException {
    for (List<String> paths : expired.values()) {
      for (String path : paths) {
        root.fs().newOutputFile(root.tombstone(path)).create().close();
      }
    }
    discarding.putAll(expired);
    expired.keySet().forEach(retained.byId::remove);
  }

  /**
   * 2. A fenced run deletes nothing: whoever fenced it retains these parts now. Returns whether it is
   * fenced, its tombstones removed.
   */
  private boolean fencedMeanwhile() throws IOException {
    try {
      run.checkNotFenced();
      return false;
    } catch (CheckpointException fencedNow) {
      for (List<String> paths : discarding.values()) {
        paths.forEach(this::dropTombstone);
      }
      return true;
    }
  }

  private void dropTombstone(String path) {
    root.deleteQuietly(root.tombstone(path));
  }

  /**
   * 2b. A checkpoint a restore in another root holds stays, with all it lists. The hold is written
   * before its restore checks for tombstones, and read here after the tombstones: one of the two sees
   * the other.
   */
  private void keepHeld(Map<Long, List<String>> expired) throws IOException {
    for (var it = discarding.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, List<String>> e = it.next();
      if (!root.list(e.getKey()).holds().isEmpty()) {
        e.getValue().forEach(this::dropTombstone);
        retained.byId.put(e.getKey(), e.getValue());
        held.add(e.getKey());
        it.remove();
        expired.remove(e.getKey());
      }
    }
  }

  /**
   * 3. The lease stops naming them, before any other lease is read. Returns the inherited files the
   * retained parts still list.
   */
  private Set<String> dropFromLease(Map<Long, List<String>> expired) throws IOException {
    Set<String> stillInherited = retained.inheritedIn(retained.byId);
    for (List<String> paths : expired.values()) {
      for (String path : paths) {
        InstanceCheckpoint part = retained.parts.get(path);
        for (String file : part == null ? List.<String>of() : part.files()) {
          if (retained.inheritedFiles.contains(file) && !stillInherited.contains(file)) {
            unneeded.add(file);
          }
        }
      }
    }
    retained.writeLease();
    return stillInherited;
  }

  /** The parts and files that the leases of other runs retain and name. */
  private record NeededByOthers(Set<String> parts, Set<String> files) {}

  /**
   * 4. What other instances still need: only parts and files this run took over can be shared (an
   * unfenced run's own parts and files are its alone), so without those no lease is read.
   */
  private NeededByOthers neededByOthers() throws IOException {
    NeededByOthers others = new NeededByOthers(new HashSet<>(), new HashSet<>());
    boolean shared =
        !unneeded.isEmpty()
            || discarding.values().stream().flatMap(List::stream).anyMatch(path -> !retained.ownParts.contains(path));
    if (shared) {
      for (Lease lease : root.readLeases().values()) {
        if (!lease.incarnation().equals(run.incarnation())) {
          others.parts().addAll(lease.retainedParts());
          others.files().addAll(lease.inherited());
        }
      }
    }
    return others;
  }

  /**
   * 5. Parts and what only they needed: deletes the discarded parts no other lease retains, lets the
   * backend delete what only this run's discarded checkpoints listed. Returns the checkpoint
   * directories that may be empty now.
   */
  private Set<Location> deleteParts(KeyedStateBackend backend, Set<String> othersParts) throws IOException {
    Set<Location> emptied = new LinkedHashSet<>();
    for (var it = discarding.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, List<String>> e = it.next();
      boolean own = false;
      for (String path : e.getValue()) {
        own |= retained.ownParts.contains(path);
        if (!othersParts.contains(path)) {
          root.fs().delete(root.resolve(path));
        }
        root.fs().delete(root.tombstone(path));
      }
      if (own) {
        backend.checkpointSubsumed(e.getKey()); // what only this checkpoint of this run needed
      }
      e.getValue().forEach(path -> {
        retained.ownParts.remove(path);
        retained.parts.remove(path);
      });
      retained.complete.remove(e.getKey());
      retained.unconfirmed.remove(e.getKey());
      emptied.add(root.checkpointDir(e.getKey()));
      it.remove();
    }
    return emptied;
  }

  /**
   * 6. Inherited files that no lease names any more, each on its own: one that cannot be deleted is
   * reported (once) and tried again by the next clean-up, and the others still go.
   */
  private void releaseInherited(KeyedStateBackend backend, Set<String> othersFiles, Set<Location> emptied) {
    List<Location> free = new ArrayList<>();
    Set<String> retry = new LinkedHashSet<>();
    for (String file : unneeded) {
      if (othersFiles.contains(file)) {
        continue;
      }
      String problem = PartEntries.problem(file, root.operator());
      if (problem != null) {
        // Never deletable (restores refuse such parts; one written before they did may remain).
        cleanupFailures++;
        warnOnce(file, "is not deleted: " + problem);
        continue;
      }
      free.add(root.resolve(file));
      if (file.startsWith("chk-")) {
        emptied.add(root.resolve(file.substring(0, file.indexOf('/'))));
      }
    }
    if (!free.isEmpty()) {
      // The registry deletes each now, or once the backend's live state no longer reads it.
      for (Map.Entry<Location, Exception> failed : sharedFiles(backend).releaseInherited(free).entrySet()) {
        cleanupFailures++;
        warnOnce(
            failed.getKey().toString(),
            "could not be deleted (tried again at the next checkpoint): " + failed.getValue());
        retry.add(root.relative(failed.getKey()));
      }
    }
    unneeded.clear();
    unneeded.addAll(retry);
  }

  /** Where the backend's shared files are referenced; a backend without a registry reads none in place. */
  private SharedFileRegistry sharedFiles(KeyedStateBackend backend) {
    return backend instanceof SharedFileRegistry.Owner owner ? owner.sharedFiles() : ownRegistry;
  }
}
