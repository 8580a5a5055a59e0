package io.aloft.cache;

import io.aloft.spi.cache.CachePolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the file cache does with a policy, reduced to bookkeeping: a capacity in bytes, files that are
 * inserted (evicting victims first while they would not fit) and read.
 */
final class SimulatedCache {
  final CachePolicy policy;
  final long capacity;
  final Map<String, Long> cached = new LinkedHashMap<>();
  long used;
  long hits;
  long misses;

  SimulatedCache(CachePolicy policy, long capacity) {
    this.policy = policy;
    this.capacity = capacity;
    policy.onCapacity(capacity);
  }

  void insert(String file, long bytes) {
    while (used + bytes > capacity) {
      String victim = policy.nextVictim().orElseThrow(() -> new AssertionError("no victim: " + policy));
      Long size = cached.remove(victim);
      if (size == null) {
        throw new AssertionError("victim " + victim + " is not cached: " + policy);
      }
      used -= size;
      policy.onRemove(victim);
    }
    cached.put(file, bytes);
    used += bytes;
    policy.onInsert(file, bytes);
  }

  /** A read: a hit is reported to the policy; a miss loads the file back. */
  void read(String file, long bytes) {
    if (cached.containsKey(file)) {
      hits++;
      policy.onAccess(file);
    } else {
      misses++;
      insert(file, bytes);
    }
  }
}
