package io.aloft.engine.checkpoint;

import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The leases of an instance's ended runs (closed, never restored from), merged into one at a start, so
 * that a start's cost does not grow with the number of runs before it. The merged lease retains the
 * union of what they retained, under a new run that is ended too; a restore takes it over like any
 * lease whose key groups overlap its own. The merged lease is written before the old ones go: a crash
 * in between leaves both, which retain the same things.
 */
final class EndedRuns {
  private EndedRuns() {}

  /** Merges the ended runs of {@code run}'s instance found in {@code runs}, if there are two or more. */
  static void merge(InstanceRun run, Map<String, Lease> leases, List<FileEntry> runs) throws IOException {
    List<Lease> mine = endedLeases(run, leases, runs);
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
    CheckpointRoot root = run.root();
    String merged = CheckpointRoot.newRun(run.instanceName());
    new Lease(merged, run.instanceName(), run.maxParallelism(), run.keyGroups(), retainedAll, inheritedAll)
        .write(root.fs(), root.leaseLocation(merged));
    root.markEnded(merged);
    for (Lease lease : mine) {
      Location dir = root.instanceDir(lease.incarnation());
      root.fs().delete(root.leaseLocation(lease.incarnation()));
      root.deleteQuietly(dir.resolve(CheckpointRoot.ENDED));
      root.deleteQuietly(dir.resolve(CheckpointRoot.FENCE));
      root.deleteIfEmpty(dir);
    }
  }

  /** The leases of ended runs of {@code run}'s instance, with its key groups. */
  private static List<Lease> endedLeases(InstanceRun run, Map<String, Lease> leases, List<FileEntry> runs) {
    Set<String> ended = new HashSet<>();
    for (FileEntry entry : runs) {
      if (entry.location().fileName().equals(CheckpointRoot.ENDED)) {
        ended.add(entry.location().parent().fileName());
      }
    }
    List<Lease> mine = new ArrayList<>();
    for (Lease lease : leases.values()) {
      if (ended.contains(lease.incarnation()) && run.sameInstance(lease)) {
        mine.add(lease);
      }
    }
    return mine;
  }
}
