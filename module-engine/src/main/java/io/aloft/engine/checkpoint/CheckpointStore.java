package io.aloft.engine.checkpoint;

import io.aloft.spi.backend.FileOwnership;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

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
 * <p>Threading: owned by the processor's task thread.
 */
public final class CheckpointStore {
  static final String INSTANCES = "instances";
  static final String LEASE = "lease";
  static final String FENCE = "fenced";
  /** Written by a run once it has closed: its lease never changes again, so it may be merged. */
  static final String ENDED = "ended";
  static final String TOMBSTONE_SUFFIX = ".discarded";
  static final String HOLD_SUFFIX = ".hold";
  private static final int UUID_LENGTH = 36; // UUID.toString()

  private final StateFileSystem fs;
  private final Location root;
  private final String operator;
  private final String instanceName;
  private final String incarnation;
  private final int maxParallelism;
  private final KeyGroupRange keyGroups;
  private final int numRetained;

  /** Parts read or written so far, by path relative to the root: parts never change. */
  private final Map<String, InstanceCheckpoint> parts = new HashMap<>();
  /** The parts this run retains, by checkpoint id: its own and those it took over. */
  private final TreeMap<Long, List<String>> retained = new TreeMap<>();
  /** The part paths this run wrote. */
  private final Set<String> ownParts = new HashSet<>();
  /** Checkpoints known to be complete. */
  private final Set<Long> complete = new HashSet<>();
  /**
   * Own checkpoints whose part may exist though the checkpoint failed: retained, so that what they
   * list stays, but never counted as complete, so that they subsume nothing.
   */
  private final Set<Long> unconfirmed = new HashSet<>();
  /** Files written by other runs that this run took over with their parts. */
  private final Set<String> inheritedFiles = new HashSet<>();
  /** Discarded checkpoints whose deletions have not all happened yet (tombstones are written). */
  private final TreeMap<Long, List<String>> discarding = new TreeMap<>();
  /** Checkpoints a restore in another root holds: retained while a hold is there. */
  private final Set<Long> held = new HashSet<>();
  /** This run's hold on the checkpoint in another root it was restored from, until released. */
  private HeldCheckpoint heldCheckpoint;
  /** Inherited files this run no longer needs, until the last lease naming them is gone. */
  private final Set<String> unneeded = new LinkedHashSet<>();
  private long lastCheckpointId = Long.MIN_VALUE;
  /** Until this run's first checkpoint: why its ids must exceed {@link #lastCheckpointId}, or null. */
  private String idFloor;
  private boolean fenced;
  private boolean leaseWritten;
  private long cleanupFailures;
  /** Deletes inherited files for a backend without a registry of its own (it reads none in place). */
  private final SharedFileRegistry ownRegistry;

  private CheckpointStore(
      StateFileSystem fs,
      Location root,
      String operator,
      String instanceName,
      int maxParallelism,
      KeyGroupRange keyGroups,
      int numRetained) {
    this.fs = fs;
    this.root = root;
    this.operator = operator;
    this.instanceName = instanceName;
    this.incarnation = newRun(instanceName);
    this.maxParallelism = maxParallelism;
    this.keyGroups = keyGroups;
    this.numRetained = numRetained;
    this.ownRegistry = new SharedFileRegistry(location -> fs, FileOwnership.ALOFT);
  }

  /**
   * The store of a run that starts without restoring. It writes nothing until its first checkpoint; it
   * reads the leases of its processor's earlier runs in the root, whose checkpoint ids it must not
   * reuse.
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
        new CheckpointStore(fs, root, operator, instanceName, maxParallelism, keyGroups, numRetained);
    List<FileEntry> runs = store.listRuns();
    Map<String, Lease> leases = store.readLeases(runs);
    store.reserveIdsNamedBy(leases.values());
    store.mergeEndedRuns(leases, runs);
    return store;
  }

  /**
   * Merges the leases of this instance's ended runs (closed, never restored from) into one, so that a
   * start's cost does not grow with the number of runs before it. The merged lease retains the union of
   * what they retained, under a new run that is ended too; a restore takes it over like any lease whose
   * key groups overlap its own. The merged lease is written before the old ones go: a crash in between
   * leaves both, which retain the same things.
   */
  private void mergeEndedRuns(Map<String, Lease> leases, List<FileEntry> runs) throws IOException {
    Set<String> ended = new HashSet<>();
    for (FileEntry entry : runs) {
      if (entry.location().fileName().equals(ENDED)) {
        ended.add(entry.location().parent().fileName());
      }
    }
    List<Lease> mine = new ArrayList<>();
    for (Lease lease : leases.values()) {
      if (ended.contains(lease.incarnation())
          && lease.instanceName().equals(instanceName)
          && lease.maxParallelism() == maxParallelism
          && lease.keyGroups().equals(keyGroups)) {
        mine.add(lease);
      }
    }
    if (mine.size() < 2) {
      return;
    }
    TreeMap<Long, List<String>> retainedAll = new TreeMap<>();
    Set<String> inheritedAll = new LinkedHashSet<>();
    for (Lease lease : mine) {
      lease.retained().forEach(
          (id, parts) -> {
            List<String> into = retainedAll.computeIfAbsent(id, k -> new ArrayList<>());
            parts.stream().filter(part -> !into.contains(part)).forEach(into::add);
          });
      inheritedAll.addAll(lease.inherited());
    }
    String merged = newRun(instanceName);
    new Lease(merged, instanceName, maxParallelism, keyGroups, retainedAll, inheritedAll)
        .write(fs, leaseLocation(merged));
    fs.newOutputFile(instanceDir(merged).resolve(ENDED)).create().close();
    for (Lease lease : mine) {
      Location dir = instanceDir(lease.incarnation());
      fs.delete(leaseLocation(lease.incarnation()));
      deleteQuietly(dir.resolve(ENDED));
      deleteQuietly(dir.resolve(FENCE));
      deleteIfEmpty(dir);
    }
  }

  /**
   * Raises the lowest id this run may take past every checkpoint that a lease of its processor in the
   * root names. A part of such a checkpoint may be there: this run's part beside it would make one
   * checkpoint of the parts of two runs, which would look complete by its part names but hold state
   * from different histories.
   */
  private void reserveIdsNamedBy(Collection<Lease> leases) {
    for (Lease lease : leases) {
      if (!lease.retained().isEmpty() && lease.retained().lastKey() > lastCheckpointId) {
        lastCheckpointId = lease.retained().lastKey();
        idFloor =
            "earlier runs of processor '" + operator + "' took checkpoints up to " + lastCheckpointId
                + " in " + root;
      }
    }
  }

  /** A new run's name (incarnation): {@code <instance>-<uuid>}. */
  private static String newRun(String instanceName) {
    return instanceName + "-" + UUID.randomUUID();
  }

  /** Whether {@code run} (as {@link #newRun} names it) is a run of an instance of {@code operator}. */
  private static boolean isRunOf(String run, String operator) {
    int instanceEnd = run.length() - UUID_LENGTH - 1;
    return instanceEnd > 0 && isInstanceOf(run.substring(0, instanceEnd), operator);
  }

  /** Whether {@code instanceName} names an instance of {@code operator}: {@code <operator>-<i>of<n>}. */
  static boolean isInstanceOf(String instanceName, String operator) {
    if (!instanceName.startsWith(operator + "-")) {
      return false;
    }
    return instanceName.substring(operator.length() + 1).matches("[0-9]+of[0-9]+");
  }

  /** This run's unique name: {@code <instance>-<uuid>}. */
  public String incarnation() {
    return incarnation;
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
    String problem = coverageProblem(read);
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
    Location checkpointRoot = checkpointDir.parent();
    if (ownRoot != null && ownRoot.equals(checkpointRoot)) {
      CheckpointStore taker =
          new CheckpointStore(
              fs, checkpointRoot, operator, instanceName, maxParallelism, keyGroups, numRetained);
      taker.takeOver(checkpointDir, restoredParts);
      return taker;
    }
    // Without a root of its own, no checkpoint of this run will ever replace the held one: the hold
    // stays, and names no root, so no later restore takes it over.
    CheckpointStore store =
        ownRoot == null
            ? null
            : new CheckpointStore(ownFs, ownRoot, operator, instanceName, maxParallelism, keyGroups, numRetained);
    String run = store == null ? newRun(instanceName) : store.incarnation;
    Location marker = checkpointDir.resolve(run + HOLD_SUFFIX);
    Listing now =
        hold(fs, checkpointDir, restoredParts, operator, new Hold(run, ownRoot, maxParallelism, keyGroups), marker);
    if (store != null) {
      store.heldCheckpoint = new HeldCheckpoint(fs, marker, checkpointRoot);
      store.takeOverHolds(now.holds());
      store.reserveIdsNamedBy(store.readLeases().values());
    }
    return store;
  }

  /** A hold this run wrote ({@code marker}) on a checkpoint in another root, {@code otherRoot}. */
  private record HeldCheckpoint(StateFileSystem fs, Location marker, Location otherRoot) {}

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
    for (InstanceCheckpoint part : parts) {
      Location location = InstanceCheckpoint.file(checkpointDir, part.instanceName());
      if (!now.parts().contains(location) || now.tombstones().contains(tombstone(location))) {
        fs.delete(marker);
        throw new CheckpointException(
            "checkpoint " + checkpointDir + " was discarded while it was being restored (" + location
                + "): restore from a newer checkpoint");
      }
    }
    return now;
  }

  /**
   * Takes over the holds that earlier runs of this processor, checkpointing into this run's root, put
   * on the checkpoint it restores (a restart from the same checkpoint before any of their checkpoints
   * was complete): fences those whose key groups overlap this run's, as a restore in the own root
   * does, then deletes their holds — this run's own hold stands in for them. Holds of other roots, and
   * holds that cannot be read, stay.
   */
  private void takeOverHolds(Set<Location> holds) throws IOException {
    HeldCheckpoint mine = heldCheckpoint;
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
          other.fileName().equals(earlier.run() + HOLD_SUFFIX)
              && isRunOf(earlier.run(), operator)
              && PartEntries.isRunOf(earlier.run(), earlier.run().substring(0, earlier.run().length() - UUID_LENGTH - 1));
      if (wellFormed
          && root.equals(earlier.ownRoot())
          && earlier.maxParallelism() == maxParallelism
          && earlier.keyGroups().overlaps(keyGroups)) {
        FileOutput fence = fs.newOutputFile(instanceDir(earlier.run()).resolve(FENCE)).create();
        fence.close();
        mine.fs().delete(other);
      }
    }
  }

  private void takeOver(Location checkpointDir, List<InstanceCheckpoint> restoredParts) throws IOException {
    long restoredId = restoredParts.get(0).checkpointId();
    List<String> restoring = new ArrayList<>();
    Set<String> predecessors = new LinkedHashSet<>();
    for (InstanceCheckpoint part : restoredParts) {
      if (part.keyGroupRange().overlaps(keyGroups)) {
        String path = relative(InstanceCheckpoint.file(checkpointDir, part.instanceName()));
        parts.put(path, part);
        restoring.add(path);
        if (!part.incarnation().isEmpty()) {
          predecessors.add(part.incarnation());
        }
      }
    }
    Map<String, Lease> leases = readLeases();
    for (InstanceCheckpoint part : restoredParts) {
      Lease lease = part.incarnation().isEmpty() ? null : leases.get(part.incarnation());
      // The part's run decides whose lease is removed and which run is fenced: it must be the run
      // whose lease says it holds exactly these key groups.
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
    for (Lease lease : leases.values()) {
      if (lease.maxParallelism() == maxParallelism
          && lease.keyGroups().overlaps(keyGroups)) {
        predecessors.add(lease.incarnation());
      }
    }
    retained.put(restoredId, new ArrayList<>(restoring));
    for (String predecessor : predecessors) {
      adopt(leases.get(predecessor));
    }
    loadRetainedParts(restoring);
    writeLease();
    for (String predecessor : predecessors) {
      FileOutput fence = fs.newOutputFile(instanceDir(predecessor).resolve(FENCE)).create();
      fence.close();
    }
    // Fenced: the runs replaced here discard nothing from now on. Were the parts restored here
    // discarded before that? Then this restore uses nothing and fails.
    Listing now = Listing.of(fs, checkpointDir, operator);
    for (String path : restoring) {
      Location part = root.resolve(path);
      if (!now.parts().contains(part) || now.tombstones().contains(tombstone(part))) {
        deleteQuietly(leaseLocation(incarnation));
        throw new CheckpointException(
            "checkpoint " + checkpointDir + " was discarded while it was being restored (" + part
                + "): restore from a newer checkpoint");
      }
    }
    // A replaced run may have completed a checkpoint after its lease was read above and before it
    // saw its fence: take that over too.
    boolean more = false;
    for (String predecessor : predecessors) {
      Lease again = readLease(leaseLocation(predecessor));
      if (again != null) {
        more |= adopt(again);
      }
    }
    if (more) {
      loadRetainedParts(restoring);
      writeLease();
    }
    for (String predecessor : predecessors) {
      fs.delete(leaseLocation(predecessor));
    }
    lastCheckpointId = retained.lastKey();
    idFloor = "the restore took over checkpoints up to " + lastCheckpointId;
    reserveIdsNamedBy(leases.values()); // runs with other key groups may have gone further
  }

  /** Retains what {@code lease} retained; returns whether anything was new. */
  private boolean adopt(Lease lease) {
    if (lease == null) {
      return false;
    }
    boolean added = false;
    for (Map.Entry<Long, List<String>> e : lease.retained().entrySet()) {
      List<String> mine = retained.computeIfAbsent(e.getKey(), id -> new ArrayList<>());
      for (String part : e.getValue()) {
        if (!mine.contains(part)) {
          mine.add(part);
          added = true;
        }
      }
    }
    return added;
  }

  /**
   * Reads the retained parts not read yet; parts that no longer exist (a replaced run discarded them)
   * are dropped, except those being restored. Every file they list is inherited.
   */
  private void loadRetainedParts(List<String> required) throws IOException {
    for (var it = retained.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, List<String>> e = it.next();
      for (var paths = e.getValue().iterator(); paths.hasNext(); ) {
        String path = paths.next();
        if (parts.containsKey(path)) {
          continue;
        }
        try {
          parts.put(path, checked(InstanceCheckpoint.read(fs, root.resolve(path)), root.resolve(path), operator));
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
    for (List<String> paths : retained.values()) {
      for (String path : paths) {
        inheritedFiles.addAll(parts.get(path).files());
      }
    }
  }

  // --------------------------------------------------------------------------------------- checkpoint

  /**
   * Checks that {@code checkpointId} can be written now: ids increase, also past every checkpoint taken
   * over by a restore and every checkpoint earlier runs of the processor took in this root.
   *
   * @throws IllegalArgumentException if it does not
   */
  public void checkNextId(long checkpointId) {
    if (checkpointId <= lastCheckpointId) {
      throw new IllegalArgumentException(
          "checkpoint ids must increase: " + checkpointId + " after " + lastCheckpointId
              + (idFloor != null ? " (" + idFloor + ")" : ""));
    }
  }

  /** The highest checkpoint id this run took, took over, or found in use in its root. */
  public java.util.OptionalLong lastCheckpointId() {
    return lastCheckpointId == Long.MIN_VALUE
        ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(lastCheckpointId);
  }

  /**
   * Before a checkpoint writes anything: fails if this run is fenced, and names the part it is about
   * to write in its lease, so that a restore racing with it takes the part over too.
   */
  public void beginCheckpoint(long checkpointId) throws IOException {
    checkNotFenced();
    TreeMap<Long, List<String>> withNew = new TreeMap<>(retained);
    withNew.put(checkpointId, List.of(ownPart(checkpointId)));
    writeLease(withNew);
  }

  /**
   * After this run's part is written: the checkpoint is this run's to retain. If a restore fenced the
   * run meanwhile, this fails, but the part stays retained: the restore may be using it, and a fenced
   * run deletes nothing.
   */
  public void completeCheckpoint(InstanceCheckpoint part) throws IOException {
    retainOwn(part);
    unconfirmed.add(part.checkpointId());
    checkNotFenced();
    unconfirmed.remove(part.checkpointId());
  }

  private void retainOwn(InstanceCheckpoint part) {
    String path = ownPart(part.checkpointId());
    parts.put(path, part);
    ownParts.add(path);
    lastCheckpointId = Math.max(lastCheckpointId, part.checkpointId());
    idFloor = null;
    retained.put(part.checkpointId(), new ArrayList<>(List.of(path)));
  }

  /**
   * After a checkpoint failed once its part was being written: whether the part may be in storage
   * anyway (written before the failure, or the write's answer lost). Such a part is retained, as a
   * completed one: a restore may find it, so what it lists must stay until retention discards it.
   */
  public boolean keepIfWritten(InstanceCheckpoint part) {
    if (retained.containsKey(part.checkpointId())) {
      return true;
    }
    boolean mayExist;
    try {
      mayExist = fs.exists(root.resolve(ownPart(part.checkpointId())));
    } catch (IOException | RuntimeException unknown) {
      mayExist = true;
    }
    if (mayExist) {
      retainOwn(part);
      unconfirmed.add(part.checkpointId());
    }
    return mayExist;
  }

  /** Whether a restore has taken this run's key groups over. */
  public boolean fenced() {
    return fenced;
  }

  private void checkNotFenced() throws IOException {
    if (!fenced && fs.exists(instanceDir(incarnation).resolve(FENCE))) {
      fenced = true;
      deleteQuietly(leaseLocation(incarnation)); // the restore took over what it named
    }
    if (fenced) {
      throw new CheckpointException(
          instanceName + " (run " + incarnation + ") was fenced: a processor restored from a checkpoint has"
              + " taken over its key groups (" + instanceDir(incarnation).resolve(FENCE) + "). This"
              + " instance must stop; it completes no checkpoint and deletes nothing any more.");
    }
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
    try {
      discardExpired(backend);
      releaseHold(backend);
    } catch (IOException | RuntimeException e) {
      cleanupFailures++;
      warnOnce("clean-up of " + root, "failed (tried again at the next checkpoint): " + e);
    }
  }

  private static final System.Logger LOG = System.getLogger(CheckpointStore.class.getName());

  /** What was last reported about each subject: a failure that repeats is logged once, not per retry. */
  private final Map<String, String> reported = new HashMap<>();

  private void warnOnce(String subject, String what) {
    if (!what.equals(reported.put(subject, what))) {
      LOG.log(System.Logger.Level.WARNING, instanceName + ": " + subject + " " + what);
    }
  }

  /**
   * Once the backend is closed: releases this run's hold on the checkpoint in another root it was
   * restored from, if one of its own checkpoints is complete (otherwise a restart needs the held one).
   */
  public void backendClosed() {
    try {
      releaseHold(null);
    } catch (IOException | RuntimeException e) {
      cleanupFailures++;
    }
    // Its lease is final now: a later start of this instance may merge it with other ended runs'.
    if (leaseWritten && !fenced) {
      try {
        fs.newOutputFile(instanceDir(incarnation).resolve(ENDED)).create().close();
      } catch (IOException | RuntimeException e) {
        cleanupFailures++; // not merged, still correct
      }
    }
  }

  /**
   * Deletes this run's hold once nothing needs the held checkpoint: a checkpoint of this processor in
   * this run's own root is complete (its parts list copies, never a file of the other root, so a
   * restart restores from it) and the backend ({@code null}: closed) no longer reads the other root.
   * The other job then discards the checkpoint as its retention says.
   */
  private void releaseHold(KeyedStateBackend backend) throws IOException {
    if (heldCheckpoint == null
        || complete.isEmpty()
        || (backend != null && backend.readsBelow(heldCheckpoint.otherRoot()))) {
      return;
    }
    heldCheckpoint.fs().delete(heldCheckpoint.marker());
    heldCheckpoint = null;
  }

  /**
   * {@code checkpoint.retained}: checkpoints this run retains (its own and those it took over);
   * {@code checkpoint.cleanup-failures}: discards a storage error interrupted (each is retried by the
   * next checkpoint); {@code checkpoint.fenced}: 1 once a restore has taken this run's key groups over.
   */
  public Map<String, Long> metrics() {
    return Map.of(
        "checkpoint.retained", (long) retained.size(),
        "checkpoint.cleanup-failures", cleanupFailures,
        "checkpoint.fenced", fenced ? 1L : 0L);
  }

  /** Where the backend's shared files are referenced; a backend without a registry reads none in place. */
  private SharedFileRegistry sharedFiles(KeyedStateBackend backend) {
    return backend instanceof SharedFileRegistry.Owner owner ? owner.sharedFiles() : ownRegistry;
  }

  private void discardExpired(KeyedStateBackend backend) throws IOException {
    if (fenced) {
      return;
    }
    List<Long> completeIds = new ArrayList<>();
    for (long id : retained.keySet()) {
      if (unconfirmed.contains(id)) {
        continue;
      }
      if (complete.contains(id) || isComplete(id)) {
        complete.add(id);
        completeIds.add(id);
      }
    }
    Map<Long, List<String>> expired = new TreeMap<>();
    if (completeIds.size() > numRetained) {
      expired.putAll(retained.headMap(completeIds.get(completeIds.size() - numRetained)));
      for (var it = expired.keySet().iterator(); it.hasNext(); ) {
        long id = it.next();
        if (held.contains(id)) {
          if (Listing.of(fs, checkpointDir(id), operator).holds().isEmpty()) {
            held.remove(id); // released: discarded as usual (step 2b looks again after the tombstones)
          } else {
            it.remove();
          }
        }
      }
    }
    if (expired.isEmpty() && discarding.isEmpty() && unneeded.isEmpty()) {
      return;
    }
    // 1. Tombstones first: a restore that reads one of these parts from now on fails cleanly.
    for (List<String> paths : expired.values()) {
      for (String path : paths) {
        FileOutput out = fs.newOutputFile(tombstone(root.resolve(path))).create();
        out.close();
      }
    }
    discarding.putAll(expired);
    expired.keySet().forEach(retained::remove);
    // 2. A fenced run deletes nothing: whoever fenced it retains these parts now.
    try {
      checkNotFenced();
    } catch (CheckpointException fencedNow) {
      for (List<String> paths : discarding.values()) {
        for (String path : paths) {
          deleteQuietly(tombstone(root.resolve(path)));
        }
      }
      return;
    }
    // 2b. A checkpoint a restore in another root holds stays, with all it lists. The hold is written
    // before its restore checks for tombstones, and read here after the tombstones: one of the two
    // sees the other.
    for (var it = discarding.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, List<String>> e = it.next();
      if (!Listing.of(fs, checkpointDir(e.getKey()), operator).holds().isEmpty()) {
        for (String path : e.getValue()) {
          deleteQuietly(tombstone(root.resolve(path)));
        }
        retained.put(e.getKey(), e.getValue());
        held.add(e.getKey());
        it.remove();
        expired.remove(e.getKey());
      }
    }
    // 3. The lease stops naming them, before any other lease is read.
    Set<String> stillInherited = inheritedInRetained();
    for (List<String> paths : expired.values()) {
      for (String path : paths) {
        InstanceCheckpoint part = parts.get(path);
        for (String file : part == null ? List.<String>of() : part.files()) {
          if (inheritedFiles.contains(file) && !stillInherited.contains(file)) {
            unneeded.add(file);
          }
        }
      }
    }
    writeLease();
    // 4. What other instances still need: only parts and files this run took over can be shared (an
    // unfenced run's own parts and files are its alone), so without those no lease is read.
    Set<String> othersParts = new HashSet<>();
    Set<String> othersFiles = new HashSet<>();
    boolean shared =
        !unneeded.isEmpty()
            || discarding.values().stream().flatMap(List::stream).anyMatch(path -> !ownParts.contains(path));
    if (shared) {
      for (Lease lease : readLeases().values()) {
        if (!lease.incarnation().equals(incarnation)) {
          othersParts.addAll(lease.retainedParts());
          othersFiles.addAll(lease.inherited());
        }
      }
    }
    // 5. Parts and what only they needed.
    Set<Location> emptied = new LinkedHashSet<>();
    for (var it = discarding.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, List<String>> e = it.next();
      boolean own = false;
      for (String path : e.getValue()) {
        own |= ownParts.contains(path);
        if (!othersParts.contains(path)) {
          fs.delete(root.resolve(path));
        }
        fs.delete(tombstone(root.resolve(path)));
      }
      if (own) {
        backend.checkpointSubsumed(e.getKey()); // what only this checkpoint of this run needed
      }
      e.getValue().forEach(path -> {
        ownParts.remove(path);
        parts.remove(path);
      });
      complete.remove(e.getKey());
      unconfirmed.remove(e.getKey());
      emptied.add(checkpointDir(e.getKey()));
      it.remove();
    }
    // 6. Inherited files that no lease names any more, each on its own: one that cannot be deleted is
    // reported (once) and tried again by the next clean-up, and the others still go.
    List<Location> free = new ArrayList<>();
    Set<String> retry = new LinkedHashSet<>();
    for (String file : unneeded) {
      if (othersFiles.contains(file)) {
        continue;
      }
      String problem = PartEntries.problem(file, operator);
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
        retry.add(relative(failed.getKey()));
      }
    }
    unneeded.clear();
    unneeded.addAll(retry);
    for (Location dir : emptied) {
      deleteIfEmpty(dir);
    }
    inheritedFiles.retainAll(stillInherited);
  }

  /**
   * Whether a checkpoint's parts cover every key group exactly once (and none is being discarded).
   * Judged from the listing alone: an instance's key groups follow from its name
   * ({@code <operator>-<index>of<parallelism>}), so no part is read.
   */
  private boolean isComplete(long checkpointId) throws IOException {
    Listing listing = Listing.of(fs, checkpointDir(checkpointId), operator);
    if (!listing.tombstones().isEmpty() || listing.parts().isEmpty()) {
      return false;
    }
    Map<String, KeyGroupRange> ranges = new LinkedHashMap<>();
    for (Location part : listing.parts()) {
      String instance = part.fileName().substring(0, part.fileName().length() - InstanceCheckpoint.SUFFIX.length());
      String[] indexOf = instance.substring(operator.length() + 1).split("of");
      int index = Integer.parseInt(indexOf[0]);
      int parallelism = Integer.parseInt(indexOf[1]);
      if (parallelism < 1 || parallelism > maxParallelism || index >= parallelism) {
        return false;
      }
      ranges.put(instance, KeyGroupRange.forInstance(maxParallelism, parallelism, index));
    }
    return coverageProblem(ranges, maxParallelism) == null;
  }

  /** Why these parts are not one complete checkpoint, or null if they are. */
  private static String coverageProblem(List<InstanceCheckpoint> parts) {
    int maxParallelism = parts.get(0).maxParallelism();
    Map<String, KeyGroupRange> ranges = new LinkedHashMap<>();
    for (InstanceCheckpoint p : parts) {
      if (p.maxParallelism() != maxParallelism) {
        return "mixes parts of max parallelism " + maxParallelism + " and " + p.maxParallelism() + " ("
            + p.instanceName() + ")";
      }
      ranges.put(p.instanceName(), p.keyGroupRange());
    }
    return coverageProblem(ranges, maxParallelism);
  }

  /** Why parts with these key groups (by instance) do not cover [0, maxParallelism) once, or null. */
  private static String coverageProblem(Map<String, KeyGroupRange> ranges, int maxParallelism) {
    List<Map.Entry<String, KeyGroupRange>> sorted = new ArrayList<>(ranges.entrySet());
    sorted.sort(Comparator.comparingInt(e -> e.getValue().startKeyGroup()));
    int next = 0;
    String previous = null;
    for (Map.Entry<String, KeyGroupRange> e : sorted) {
      KeyGroupRange r = e.getValue();
      if (r.startKeyGroup() > next) {
        return "is incomplete: no part covers key groups " + new KeyGroupRange(next, r.startKeyGroup() - 1)
            + " (" + describe(ranges) + ")";
      }
      if (r.startKeyGroup() < next) {
        return "has more than one part for key groups "
            + new KeyGroupRange(r.startKeyGroup(), Math.min(next - 1, r.endKeyGroup())) + " (" + previous
            + ", " + e.getKey() + "): they come from different runs";
      }
      next = r.endKeyGroup() + 1;
      previous = e.getKey();
    }
    if (next < maxParallelism) {
      return "is incomplete: no part covers key groups " + new KeyGroupRange(next, maxParallelism - 1)
          + " (" + describe(ranges) + ")";
    }
    return null;
  }

  private static String describe(Map<String, KeyGroupRange> ranges) {
    List<String> each = new ArrayList<>();
    ranges.forEach((instance, range) -> each.add(instance + " " + range));
    return "parts: " + String.join(", ", each);
  }

  /** The files of other runs that the retained parts list. */
  private Set<String> inheritedInRetained() {
    return inheritedIn(retained);
  }

  private Set<String> inheritedIn(Map<Long, List<String>> checkpoints) {
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

  // ------------------------------------------------------------------------------------------- leases

  private void writeLease() throws IOException {
    writeLease(retained);
  }

  private void writeLease(TreeMap<Long, List<String>> retainedNow) throws IOException {
    new Lease(incarnation, instanceName, maxParallelism, keyGroups, retainedNow, inheritedIn(retainedNow))
        .write(fs, leaseLocation(incarnation));
    leaseWritten = true;
  }

  /**
   * Every lease of this processor's runs in the root, by incarnation ({@code <instance>-<uuid>}, so
   * other processors' leases are passed over unread); leases removed while listing are skipped.
   */
  private Map<String, Lease> readLeases() throws IOException {
    return readLeases(listRuns());
  }

  /** The files of every run in the root: leases, fences, end markers. */
  private List<FileEntry> listRuns() throws IOException {
    return fs.list(root.resolve(INSTANCES));
  }

  /** {@link #readLeases()} from a listing already made. */
  private Map<String, Lease> readLeases(List<FileEntry> runs) throws IOException {
    Map<String, Lease> leases = new LinkedHashMap<>();
    for (FileEntry entry : runs) {
      if (entry.location().fileName().equals(LEASE)
          && isRunOf(entry.location().parent().fileName(), operator)) {
        Lease lease = readLease(entry.location());
        if (lease != null) {
          leases.put(lease.incarnation(), lease);
        }
      }
    }
    return leases;
  }

  private Lease readLease(Location location) throws IOException {
    Lease lease;
    try {
      lease = Lease.read(fs, location);
    } catch (NoSuchFileException | FileNotFoundException gone) {
      return null;
    }
    checkLease(lease, location);
    return lease;
  }

  /**
   * A lease decides which parts and files survive and, at a restore, which run is fenced: it must be
   * the lease of the run whose directory holds it, and name only this processor's parts and files.
   */
  private void checkLease(Lease lease, Location location) throws CheckpointException {
    String problem = null;
    String run = location.parent().fileName();
    if (!lease.incarnation().equals(run) || !PartEntries.isRunOf(run, lease.instanceName())
        || !isInstanceOf(lease.instanceName(), operator)) {
      problem = "it names the run '" + PartEntries.printable(lease.incarnation()) + "' of '"
          + PartEntries.printable(lease.instanceName()) + "', not the run whose directory holds it";
    }
    for (Map.Entry<Long, List<String>> e : lease.retained().entrySet()) {
      for (String part : e.getValue()) {
        String[] segments = part.split("/", -1);
        if (problem == null
            && (segments.length != 2
                || !segments[0].equals("chk-" + e.getKey())
                || !segments[1].endsWith(InstanceCheckpoint.SUFFIX)
                || !isInstanceOf(
                    segments[1].substring(0, segments[1].length() - InstanceCheckpoint.SUFFIX.length()), operator))) {
          problem = "it retains '" + PartEntries.printable(part) + "', which is not a part of '" + operator
              + "' in chk-" + e.getKey() + "/";
        }
      }
    }
    for (String file : lease.inherited()) {
      String why = PartEntries.problem(file, operator);
      if (problem == null && why != null) {
        problem = "it names '" + PartEntries.printable(file) + "', " + why;
      }
    }
    if (problem != null) {
      throw new CheckpointException(
          "lease " + location + " is refused: " + problem + "; remove it if no run of '" + operator
              + "' wrote it");
    }
  }

  // ------------------------------------------------------------------------------------------- layout

  private Location checkpointDir(long checkpointId) {
    return root.resolve("chk-" + checkpointId);
  }

  /** The path of this run's part of checkpoint {@code checkpointId}, relative to the root. */
  private String ownPart(long checkpointId) {
    return relative(InstanceCheckpoint.file(checkpointDir(checkpointId), instanceName));
  }

  private Location instanceDir(String run) {
    return root.resolve(INSTANCES + "/" + run);
  }

  private Location leaseLocation(String run) {
    return instanceDir(run).resolve(LEASE);
  }

  private static Location tombstone(Location part) {
    return part.parent().resolve(part.fileName() + TOMBSTONE_SUFFIX);
  }

  private String relative(Location location) {
    return location.relativeTo(root);
  }

  private void deleteIfEmpty(Location dir) throws IOException {
    if (fs.list(dir).isEmpty()) {
      fs.deleteRecursively(dir); // only a local directory's empty folders remain
    }
  }

  private void deleteQuietly(Location location) {
    try {
      fs.delete(location);
    } catch (IOException | RuntimeException e) {
      // Left over: a spare tombstone or lease keeps files longer, never shorter.
    }
  }

  /**
   * The parts, tombstones and holds directly in a checkpoint directory: of one processor, or (null) the
   * parts and tombstones of all.
   */
  private record Listing(Set<Location> parts, Set<Location> tombstones, Set<Location> holds) {
    static Listing of(StateFileSystem fs, Location checkpointDir, String operator) throws IOException {
      Set<Location> parts = new LinkedHashSet<>();
      Set<Location> tombstones = new HashSet<>();
      Set<Location> holds = new HashSet<>();
      for (FileEntry entry : fs.list(checkpointDir)) {
        Location l = entry.location();
        if (!l.parent().equals(checkpointDir)) {
          continue;
        }
        String name = l.fileName();
        if (name.endsWith(HOLD_SUFFIX)) {
          String run = name.substring(0, name.length() - HOLD_SUFFIX.length());
          if (operator != null && isRunOf(run, operator)) {
            holds.add(l);
          }
          continue;
        }
        if (name.endsWith(TOMBSTONE_SUFFIX)) {
          name = name.substring(0, name.length() - TOMBSTONE_SUFFIX.length());
        }
        if (!name.endsWith(InstanceCheckpoint.SUFFIX)) {
          continue;
        }
        String instance = name.substring(0, name.length() - InstanceCheckpoint.SUFFIX.length());
        if (operator != null && !isInstanceOf(instance, operator)) {
          continue;
        }
        (l.fileName().endsWith(TOMBSTONE_SUFFIX) ? tombstones : parts).add(l);
      }
      return new Listing(parts, tombstones, holds);
    }
  }
}
