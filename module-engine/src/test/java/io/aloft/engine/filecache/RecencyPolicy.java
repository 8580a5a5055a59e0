package io.aloft.engine.filecache;

import io.aloft.spi.cache.CachePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** A plain LRU for the cache's own tests (the real policies live in module-cache), recording capacities. */
final class RecencyPolicy implements CachePolicy {
  private final LinkedHashMap<String, Long> files = new LinkedHashMap<>(16, 0.75f, true);
  final List<Long> capacities = new ArrayList<>();
  /** Files reported missed, in order; and whether load-backs are admitted over a victim. */
  final List<String> misses = new ArrayList<>();
  boolean admitting = true;

  @Override
  public void onMiss(String file) {
    misses.add(file);
  }

  @Override
  public boolean admit(String candidate, String victim) {
    return admitting;
  }

  @Override
  public void onInsert(String file, long bytes) {
    files.put(file, bytes);
  }

  @Override
  public void onAccess(String file) {
    files.get(file);
  }

  @Override
  public void onRemove(String file) {
    files.remove(file);
  }

  @Override
  public Optional<String> nextVictim() {
    return files.keySet().stream().findFirst();
  }

  @Override
  public void onCapacity(long bytes) {
    capacities.add(bytes);
  }

  synchronized List<String> order() {
    return List.copyOf(files.keySet());
  }
}
