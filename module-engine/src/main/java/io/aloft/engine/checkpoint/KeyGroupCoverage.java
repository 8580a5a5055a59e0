package io.aloft.engine.checkpoint;

import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.fs.Location;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the parts of a checkpoint cover every key group exactly once: the test of a complete
 * checkpoint, for a restore (from the parts it read) and for retention (from a listing alone).
 */
public final class KeyGroupCoverage {
  private KeyGroupCoverage() {}

  /** Why these parts are not one complete checkpoint, or null if they are. */
  public static String problem(List<InstanceCheckpoint> parts) {
    int maxParallelism = parts.get(0).maxParallelism();
    Map<String, KeyGroupRange> ranges = new LinkedHashMap<>();
    for (InstanceCheckpoint p : parts) {
      if (p.maxParallelism() != maxParallelism) {
        return "mixes parts of max parallelism " + maxParallelism + " and " + p.maxParallelism() + " ("
            + p.instanceName() + ")";
      }
      ranges.put(p.instanceName(), p.keyGroupRange());
    }
    return problem(ranges, maxParallelism);
  }

  /**
   * Whether the parts of {@code listing} (of {@code operator}) cover every key group exactly once, and
   * none is being discarded. Judged from the listing alone: an instance's key groups follow from its
   * name ({@code <operator>-<index>of<parallelism>}), so no part is read.
   */
  static boolean isComplete(CheckpointRoot.Listing listing, String operator, int maxParallelism) {
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
    return problem(ranges, maxParallelism) == null;
  }

  /** Why parts with these key groups (by instance) do not cover [0, maxParallelism) once, or null. */
  private static String problem(Map<String, KeyGroupRange> ranges, int maxParallelism) {
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
}
