package io.aloft.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import io.aloft.spi.cache.CachePolicy;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Caffeine's W-TinyLFU, used as an eviction order for whole files. Exactly how:
 *
 * <ul>
 *   <li>A Caffeine {@link Cache} maps each cached file's name to its size in KiB (rounded up), with that
 *       size as the entry's weight, a {@linkplain Caffeine#executor same-thread executor} (so Caffeine's
 *       maintenance runs inside these calls, under the file cache's lock) and a maximum weight equal to
 *       the file cache's capacity, kept up to date by {@link #onCapacity} (in KiB).
 *   <li>{@link #onInsert} is {@code put}, {@link #onAccess} is {@code getIfPresent} (a hit, which feeds
 *       Caffeine's frequency sketch and moves the file between its window, probation and protected
 *       segments), {@link #onRemove} is {@code invalidate}.
 *   <li>{@link #nextVictim()} first runs Caffeine's pending maintenance ({@code cleanUp}), then answers a
 *       file Caffeine itself evicted — recorded by its eviction listener when the capacity shrank below
 *       what is cached, and kept until the file cache removes it — or else the first key of
 *       {@code policy().eviction().get().coldest(1)}: Caffeine's own eviction order (the window and
 *       probation segments, less frequently used first, then the protected segment).
 * </ul>
 *
 * <p>Admission ({@link #admit}): TinyLFU's rule, applied before a file is copied back into the cache: the
 * candidate comes in only if it was used more often than the victim it would displace. Uses are counted
 * per file — reads served from a copy ({@link #onAccess}) and remote reads of uncached files
 * ({@link #onMiss}) — exactly, since files are few, and every count is halved after a sample of
 * {@value #SAMPLE_PER_FILE} events per file tracked (at least {@value #MIN_SAMPLE}), so the counts
 * follow a changing workload. Without this, a cache smaller than its working set copies a file back
 * on every few misses only to evict another that is just as hot.
 *
 * <p>So a file read often stays while a scan of files read once passes through: the scan's files stay
 * in the window and probation segments with low frequency and are the coldest. Caffeine samples
 * frequencies only once its entries weigh at least half its maximum; below that, when nothing needs
 * evicting anyway, the order is by insertion. Not thread-safe: the cache calls it under its lock.
 */
final class TinyLfuPolicy implements CachePolicy {

  /** Weights are KiB so that one {@code int} weight covers files up to 2 TiB. */
  private static final long UNIT = 1024;

  /** Capacity changes smaller than 1/32 are ignored: each resize restarts Caffeine's window sizing. */
  private static final int RESIZE_THRESHOLD_SHIFT = 5;

  /** TinyLFU's sample size: events per tracked file before every count is halved. */
  static final int SAMPLE_PER_FILE = 10;

  /** The smallest sample, so that a cache of few files does not forget at once. */
  static final int MIN_SAMPLE = 640;

  private final Set<String> evictedByCaffeine = new LinkedHashSet<>();
  /** Uses per file, cached or not, since the counts were last halved. */
  private final Map<String, Integer> uses = new HashMap<>();
  private long events;
  private final Cache<String, Long> files;
  private final Policy.Eviction<String, Long> eviction;
  private long maximumKib = Long.MAX_VALUE;

  TinyLfuPolicy() {
    files =
        Caffeine.newBuilder()
            .executor(Runnable::run)
            .maximumWeight(Long.MAX_VALUE)
            .weigher((String file, Long kib) -> (int) Math.min(kib, Integer.MAX_VALUE))
            .evictionListener((String file, Long kib, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
              if (file != null) {
                evictedByCaffeine.add(file);
              }
            })
            .build();
    eviction = files.policy().eviction().orElseThrow();
  }

  @Override
  public void onInsert(String file, long bytes) {
    evictedByCaffeine.remove(file);
    files.put(file, Math.max(1, (bytes + UNIT - 1) / UNIT));
  }

  @Override
  public void onAccess(String file) {
    files.getIfPresent(file);
    count(file);
  }

  @Override
  public void onMiss(String file) {
    count(file);
  }

  /** TinyLFU admission: only a candidate used more often than the victim displaces it. */
  @Override
  public boolean admit(String candidate, String victim) {
    return uses.getOrDefault(candidate, 0) > uses.getOrDefault(victim, 0);
  }

  /** How often {@code file} was used in the current sample (for tests). */
  int uses(String file) {
    return uses.getOrDefault(file, 0);
  }

  private void count(String file) {
    uses.merge(file, 1, Integer::sum);
    if (++events >= Math.max(MIN_SAMPLE, (long) SAMPLE_PER_FILE * uses.size())) {
      events = 0;
      uses.replaceAll((f, n) -> n / 2);
      uses.values().removeIf(n -> n == 0);
    }
  }

  @Override
  public void onRemove(String file) {
    evictedByCaffeine.remove(file);
    files.invalidate(file);
  }

  @Override
  public Optional<String> nextVictim() {
    files.cleanUp();
    if (!evictedByCaffeine.isEmpty()) {
      return Optional.of(evictedByCaffeine.iterator().next());
    }
    return eviction.coldest(1).keySet().stream().findFirst();
  }

  @Override
  public void onCapacity(long bytes) {
    long kib = Math.max(1, bytes / UNIT);
    long change = Math.abs(kib - maximumKib);
    if (maximumKib == Long.MAX_VALUE || change > maximumKib >>> RESIZE_THRESHOLD_SHIFT) {
      maximumKib = kib;
      eviction.setMaximum(kib);
    }
  }

  @Override
  public String toString() {
    return "tinylfu(maximum=" + maximumKib + " KiB, coldest first=" + eviction.coldest(8).keySet() + ")";
  }
}
