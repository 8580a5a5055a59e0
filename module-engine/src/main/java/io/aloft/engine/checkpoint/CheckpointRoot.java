package io.aloft.engine.checkpoint;

import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One processor's view of a checkpoint root: where parts, tombstones, holds, leases, fences and end
 * markers lie ({@code docs/checkpoints.md}, "Layout"), how runs and instances are named, and the
 * listing and reading of the leases of this processor's runs. Holds no state of its own.
 */
public final class CheckpointRoot {
  public static final String INSTANCES = "instances";
  public static final String LEASE = "lease";
  public static final String FENCE = "fenced";
  /** Written by a run once it has closed: its lease never changes again, so it may be merged. */
  public static final String ENDED = "ended";
  public static final String TOMBSTONE_SUFFIX = ".discarded";
  public static final String HOLD_SUFFIX = ".hold";
  private static final int UUID_LENGTH = 36; // UUID.toString()

  private final StateFileSystem fs;
  private final Location root;
  private final String operator;

  CheckpointRoot(StateFileSystem fs, Location root, String operator) {
    this.fs = fs;
    this.root = root;
    this.operator = operator;
  }

  StateFileSystem fs() {
    return fs;
  }

  Location location() {
    return root;
  }

  /** The processor whose parts and leases this view keeps to. */
  String operator() {
    return operator;
  }

  // ------------------------------------------------------------------------------------------- naming

  /** A new run's name (incarnation): {@code <instance>-<uuid>}. */
  static String newRun(String instanceName) {
    return instanceName + "-" + UUID.randomUUID();
  }

  /** Whether {@code run} (as {@link #newRun} names it) is a run of an instance of {@code operator}. */
  static boolean isRunOf(String run, String operator) {
    int instanceEnd = run.length() - UUID_LENGTH - 1;
    return instanceEnd > 0 && isInstanceOf(run.substring(0, instanceEnd), operator);
  }

  /** The instance {@code run} is a run of, if it is named as {@link #newRun} names runs. */
  static String instanceOf(String run) {
    return run.substring(0, run.length() - UUID_LENGTH - 1);
  }

  /** Whether {@code instanceName} names an instance of {@code operator}: {@code <operator>-<i>of<n>}. */
  public static boolean isInstanceOf(String instanceName, String operator) {
    if (!instanceName.startsWith(operator + "-")) {
      return false;
    }
    return instanceName.substring(operator.length() + 1).matches("[0-9]+of[0-9]+");
  }

  // ------------------------------------------------------------------------------------------- layout

  Location checkpointDir(long checkpointId) {
    return root.resolve("chk-" + checkpointId);
  }

  /** The path of {@code instanceName}'s part of checkpoint {@code checkpointId}, relative to the root. */
  String partPath(long checkpointId, String instanceName) {
    return relative(InstanceCheckpoint.file(checkpointDir(checkpointId), instanceName));
  }

  Location instanceDir(String run) {
    return root.resolve(INSTANCES + "/" + run);
  }

  Location leaseLocation(String run) {
    return instanceDir(run).resolve(LEASE);
  }

  Location fenceLocation(String run) {
    return instanceDir(run).resolve(FENCE);
  }

  static Location tombstone(Location part) {
    return part.parent().resolve(part.fileName() + TOMBSTONE_SUFFIX);
  }

  /** The tombstone of the part at {@code path}, relative to the root. */
  Location tombstone(String path) {
    return tombstone(root.resolve(path));
  }

  Location resolve(String path) {
    return root.resolve(path);
  }

  String relative(Location location) {
    return location.relativeTo(root);
  }

  // --------------------------------------------------------------------------------- markers of a run

  /** Fences {@code run}: it completes no checkpoint and deletes nothing from now on. */
  void fence(String run) throws IOException {
    fs.newOutputFile(fenceLocation(run)).create().close();
  }

  /** Marks {@code run} as ended: its lease never changes again. */
  void markEnded(String run) throws IOException {
    fs.newOutputFile(instanceDir(run).resolve(ENDED)).create().close();
  }

  void deleteIfEmpty(Location dir) throws IOException {
    if (fs.list(dir).isEmpty()) {
      fs.deleteRecursively(dir); // only a local directory's empty folders remain
    }
  }

  void deleteQuietly(Location location) {
    try {
      fs.delete(location);
    } catch (IOException | RuntimeException e) {
      // Left over: a spare tombstone or lease keeps files longer, never shorter.
    }
  }

  /**
   * Removes what is left of this processor's runs that ended and whose lease is gone (merged, or
   * taken over by a restore; {@code leasesRemoved} names leases deleted since {@code runs} was listed):
   * their end marker, their fence and their directory. An ended run never writes again, and nothing
   * reads a run without a lease, so they would only pile up, one per restart. Called by a fresh start
   * only: the instances of a restore take over runs in parallel and fence each other's predecessors.
   * Best effort: what is left is retried by the next start.
   */
  void removeEndedRuns(List<FileEntry> runs, java.util.Set<String> leasesRemoved) {
    java.util.Set<String> withLease = new java.util.HashSet<>();
    java.util.Set<String> ended = new java.util.HashSet<>();
    for (FileEntry entry : runs) {
      String run = entry.location().parent().fileName();
      String name = entry.location().fileName();
      if (name.equals(LEASE) && !leasesRemoved.contains(run)) {
        withLease.add(run);
      } else if (name.equals(ENDED) && isRunOf(run, operator)) {
        ended.add(run);
      }
    }
    ended.removeAll(withLease);
    for (String run : ended) {
      deleteQuietly(instanceDir(run).resolve(ENDED));
      deleteQuietly(fenceLocation(run));
      try {
        deleteIfEmpty(instanceDir(run));
      } catch (IOException | RuntimeException e) {
        // left for the next start
      }
    }
  }

  // ------------------------------------------------------------------------------------------- leases

  /** The files of every run in the root: leases, fences, end markers. */
  List<FileEntry> listRuns() throws IOException {
    return fs.list(root.resolve(INSTANCES));
  }

  /**
   * Every lease of this processor's runs in the root, by incarnation ({@code <instance>-<uuid>}, so
   * other processors' leases are passed over unread); leases removed while listing are skipped.
   */
  Map<String, Lease> readLeases() throws IOException {
    return readLeases(listRuns());
  }

  /** {@link #readLeases()} from a listing already made. */
  Map<String, Lease> readLeases(List<FileEntry> runs) throws IOException {
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

  /** The lease of {@code run}, or null if it has none (any more). */
  Lease readLease(String run) throws IOException {
    return readLease(leaseLocation(run));
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
        if (problem == null && !isPartOf(part, e.getKey())) {
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

  /** Whether {@code path} is {@code chk-<checkpointId>/<instance of the operator>.meta}. */
  private boolean isPartOf(String path, long checkpointId) {
    String[] segments = path.split("/", -1);
    return segments.length == 2
        && segments[0].equals("chk-" + checkpointId)
        && segments[1].endsWith(InstanceCheckpoint.SUFFIX)
        && isInstanceOf(
            segments[1].substring(0, segments[1].length() - InstanceCheckpoint.SUFFIX.length()), operator);
  }

  // ------------------------------------------------------------------------------------------ listing

  /** {@link Listing} of a checkpoint directory for this processor. */
  Listing list(Location checkpointDir) throws IOException {
    return Listing.of(fs, checkpointDir, operator);
  }

  Listing list(long checkpointId) throws IOException {
    return list(checkpointDir(checkpointId));
  }

  /**
   * The parts, tombstones and holds directly in a checkpoint directory: of one processor, or (null) the
   * parts and tombstones of all.
   */
  public record Listing(Set<Location> parts, Set<Location> tombstones, Set<Location> holds) {
    public static Listing of(StateFileSystem fs, Location checkpointDir, String operator) throws IOException {
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

    /** Whether the part at {@code part} is here and not being discarded. */
    boolean hasLive(Location part) {
      return parts.contains(part) && !tombstones.contains(tombstone(part));
    }
  }
}
