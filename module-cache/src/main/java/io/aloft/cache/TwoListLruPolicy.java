package io.aloft.cache;

import io.aloft.spi.cache.CachePolicy;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The two-list LRU: a <em>probation</em> list and a <em>protected</em> list, each ordered from least to
 * most recently used. How the two knobs read:
 *
 * <ul>
 *   <li>A new file enters probation as its most recent entry. A read of a file moves it to the most
 *       recent end of its list; in probation it also counts one <em>access</em>.
 *   <li>{@code accessBeforePromote}: a probation file with at least this many accesses is promoted to
 *       the protected list — lazily, when an eviction round finds it at the least recent end of
 *       probation, instead of evicting it. Its access count starts again from zero.
 *   <li>{@code promoteLimit}: one eviction round (one {@link #nextVictim()} call) promotes at most this
 *       many files; after that the least recent probation file is the victim however often it was read.
 *       This bounds the work of a round, and {@code 0} makes the policy a plain LRU over probation.
 *   <li>The protected list holds at most {@value #PROTECTED_SHARE_PERCENT}% of the tracked bytes: a
 *       promotion that overfills it demotes its least recent files to the most recent end of probation
 *       (with no accesses), where they must earn promotion again.
 *   <li>The victim is the least recent probation file; when probation is empty, the least recent
 *       protected one.
 * </ul>
 *
 * <p>A file read often enough thus survives a scan of files read once: the scan's files stay in
 * probation and are evicted first. Not thread-safe: the cache calls it under its lock.
 */
final class TwoListLruPolicy implements CachePolicy {

  static final int PROTECTED_SHARE_PERCENT = 80;

  private static final class Node {
    final long bytes;
    int accesses;

    Node(long bytes) {
      this.bytes = bytes;
    }
  }

  private final int accessBeforePromote;
  private final int promoteLimit;
  // Insertion order is recency order: a move re-inserts at the most recent end.
  private final LinkedHashMap<String, Node> probation = new LinkedHashMap<>();
  private final LinkedHashMap<String, Node> protectedFiles = new LinkedHashMap<>();
  private long trackedBytes;
  private long protectedBytes;

  TwoListLruPolicy(int accessBeforePromote, int promoteLimit) {
    if (accessBeforePromote < 1) {
      throw new IllegalArgumentException("accessBeforePromote must be at least 1: " + accessBeforePromote);
    }
    if (promoteLimit < 0) {
      throw new IllegalArgumentException("promoteLimit must not be negative: " + promoteLimit);
    }
    this.accessBeforePromote = accessBeforePromote;
    this.promoteLimit = promoteLimit;
  }

  @Override
  public void onInsert(String file, long bytes) {
    onRemove(file);
    probation.put(file, new Node(bytes));
    trackedBytes += bytes;
  }

  @Override
  public void onAccess(String file) {
    Node node = probation.remove(file);
    if (node != null) {
      node.accesses++;
      probation.put(file, node);
      return;
    }
    node = protectedFiles.remove(file);
    if (node != null) {
      protectedFiles.put(file, node);
    }
  }

  @Override
  public void onRemove(String file) {
    Node node = probation.remove(file);
    if (node == null) {
      node = protectedFiles.remove(file);
      if (node == null) {
        return;
      }
      protectedBytes -= node.bytes;
    }
    trackedBytes -= node.bytes;
  }

  @Override
  public Optional<String> nextVictim() {
    int promotions = 0;
    while (!probation.isEmpty()) {
      Map.Entry<String, Node> eldest = probation.entrySet().iterator().next();
      Node node = eldest.getValue();
      if (node.accesses < accessBeforePromote || promotions == promoteLimit) {
        return Optional.of(eldest.getKey());
      }
      probation.remove(eldest.getKey());
      node.accesses = 0;
      protectedFiles.put(eldest.getKey(), node);
      protectedBytes += node.bytes;
      promotions++;
      demoteOverflow();
    }
    return protectedFiles.isEmpty()
        ? Optional.empty()
        : Optional.of(protectedFiles.keySet().iterator().next());
  }

  private void demoteOverflow() {
    long share = trackedBytes / 100 * PROTECTED_SHARE_PERCENT + trackedBytes % 100 * PROTECTED_SHARE_PERCENT / 100;
    Iterator<Map.Entry<String, Node>> eldest = protectedFiles.entrySet().iterator();
    while (protectedBytes > share && protectedFiles.size() > 1) {
      Map.Entry<String, Node> e = eldest.next();
      eldest.remove();
      protectedBytes -= e.getValue().bytes;
      e.getValue().accesses = 0;
      probation.put(e.getKey(), e.getValue());
    }
  }

  @Override
  public String toString() {
    return "lru(access-before-promote=" + accessBeforePromote + ", promote-limit=" + promoteLimit
        + ", probation=" + probation.keySet() + ", protected=" + protectedFiles.keySet() + ")";
  }
}
