package io.aloft.spi.cache;

import java.util.Optional;

/**
 * Decides which whole file the local file cache evicts next. The cache enforces its size and
 * free-space limits itself and asks the policy only for the order of eviction.
 *
 * <p>The cache calls {@link #nextVictim()} while it is over a limit, and after evicting the file it
 * names calls {@link #onRemove}; one such call of {@code nextVictim} is an <em>eviction round</em>.
 * A policy may reorder its files during a round (promote, demote), but names only files it was told
 * about with {@link #onInsert} and not yet told to forget with {@link #onRemove}.
 *
 * <p>Threading: the cache calls a policy under its own lock, one call at a time, so implementations
 * need no synchronisation.
 */
public interface CachePolicy {

  /** {@code file} (a name unique within the cache) was added, taking {@code bytes} of local disk. */
  void onInsert(String file, long bytes);

  /** {@code file}, which is cached, was read (once per read request served from the local copy). */
  void onAccess(String file);

  /**
   * {@code file}, which is not cached, was read from the remote store (once per read request). A
   * frequency-based policy counts it, so that a file can earn its way back in; the default ignores it.
   */
  default void onMiss(String file) {}

  /**
   * Whether loading {@code candidate}, not cached, back into the cache is worth evicting
   * {@code victim}, the file {@link #nextVictim()} names now. The cache asks before it copies a file
   * back when that copy would not fit without evicting; a refused candidate stays remote (its reads
   * keep going to the remote store) and is asked about again after more misses. The default admits
   * every candidate, as a plain recency policy does; an admission policy (TinyLFU) admits a candidate
   * only when it is used more often than the victim, which keeps a cache smaller than its working set
   * from copying files in only to evict them again.
   */
  default boolean admit(String candidate, String victim) {
    return true;
  }

  /** {@code file} left the cache (evicted, or deleted because the engine dropped it). */
  void onRemove(String file);

  /** The cached file to evict next, or empty when the policy tracks none. Does not remove it. */
  Optional<String> nextVictim();

  /**
   * The bytes the cache's files may take under the limits in force now: the size limit, or what is
   * cached plus the free space above the reserve, whichever is smaller ({@code Long.MAX_VALUE} when
   * neither limit is on). The cache calls it before an eviction round whenever the value changed;
   * the free-space part moves as other programs use the disk. Policies that size themselves (such as
   * W-TinyLFU) use it; the default ignores it.
   */
  default void onCapacity(long bytes) {}
}
