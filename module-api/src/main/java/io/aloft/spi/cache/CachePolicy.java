package io.aloft.spi.cache;

import java.util.Optional;

/**
 * Decides which whole file the local file cache evicts next. The cache enforces its size and
 * free-space limits itself and asks the policy only for the order of eviction.
 *
 * <p>Threading: the cache calls a policy under its own lock, one call at a time, so implementations
 * need no synchronisation.
 */
public interface CachePolicy {

  /** {@code file} (a name unique within the cache) was added, taking {@code bytes} of local disk. */
  void onInsert(String file, long bytes);

  /** {@code file}, which is cached, was read. */
  void onAccess(String file);

  /** {@code file} left the cache (evicted, or deleted because the engine dropped it). */
  void onRemove(String file);

  /** The cached file to evict next, or empty when the policy tracks none. Does not remove it. */
  Optional<String> nextVictim();
}
