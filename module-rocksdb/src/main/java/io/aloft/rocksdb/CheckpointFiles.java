package io.aloft.rocksdb;

import io.aloft.spi.fs.Location;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one backend instance has in checkpoint storage: the files it wrote, with the checkpoints that
 * list each, and the SST files a new checkpoint may list again instead of uploading them.
 *
 * <p>A file this instance wrote is deleted when the last checkpoint listing it is subsumed (or failed):
 * SST files in {@code shared/} once no retained checkpoint lists them, a checkpoint's own files with
 * that checkpoint. A deletion that fails is retried with the next release. Files of the checkpoint
 * the instance was restored from are listed again but never deleted from here: other instances may
 * have restored them too, so the engine's checkpoint store deletes them once no lease names them.
 *
 * <p>Threading: owned by the task thread, which takes checkpoints, subsumes them and restores.
 */
final class CheckpointFiles {
  /** An SST file in checkpoint storage, with the size that identifies its content. */
  private record Stored(Location location, long size) {}

  /** SST files that a checkpoint may reference, by their name in the database directory. */
  private final Map<String, Stored> reusable = new HashMap<>();

  /** Files this instance wrote, with the checkpoints (retained or in progress) that list each. */
  private final Map<Location, Set<Long>> written = new HashMap<>();

  /** Files this instance wrote that no checkpoint lists, until their deletion is confirmed. */
  private final Set<Location> unused = new LinkedHashSet<>();

  /**
   * Where the SST file {@code name} of {@code size} bytes already is, if it is below {@code root}
   * (a checkpoint only lists locations relative to its root).
   */
  Optional<Location> find(String name, long size, Location root) {
    Stored stored = reusable.get(name);
    if (stored == null || stored.size() != size || !stored.location().isBelow(root)) {
      return Optional.empty();
    }
    return Optional.of(stored.location());
  }

  /**
   * Checkpoint {@code checkpointId} lists {@code location}. A file this instance wrote stays until no
   * checkpoint listing it is retained; a restored one stays anyway.
   */
  void listedBy(long checkpointId, Location location) {
    Set<Long> checkpoints = written.get(location);
    if (checkpoints != null) {
      checkpoints.add(checkpointId);
    }
  }

  /**
   * Checkpoint {@code checkpointId} is about to write {@code location}. Recorded before the first byte
   * is written, so that a failed checkpoint's release also deletes a partial or unconfirmed upload.
   * Writing a file whose deletion failed earlier makes it needed again.
   */
  void writing(long checkpointId, Location location) {
    unused.remove(location);
    written.computeIfAbsent(location, l -> new HashSet<>()).add(checkpointId);
  }

  /**
   * The SST file {@code name} of {@code size} bytes is at {@code location}: later checkpoints list it
   * instead of uploading it. Either this instance uploaded it (see {@link #writing}) or it is a file of
   * the checkpoint the database was restored from, which is never deleted from here.
   */
  void remember(String name, Location location, long size) {
    reusable.put(name, new Stored(location, size));
  }

  /**
   * Checkpoint {@code checkpointId} is no longer retained (or never completed): the files this instance
   * wrote that no other checkpoint lists become deletable, and no later checkpoint references them.
   *
   * @return every deletable file not yet confirmed deleted (see {@link #deleted}), earlier ones included
   */
  List<Location> release(long checkpointId) {
    for (var it = written.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Location, Set<Long>> e = it.next();
      if (e.getValue().remove(checkpointId) && e.getValue().isEmpty()) {
        it.remove();
        unused.add(e.getKey());
      }
    }
    // A later checkpoint must upload such a file again, not reference what is being deleted.
    reusable.values().removeIf(stored -> unused.contains(stored.location()));
    return List.copyOf(unused);
  }

  /** {@code locations}, returned by {@link #release}, are deleted. */
  void deleted(Collection<Location> locations) {
    unused.removeAll(locations);
  }
}
