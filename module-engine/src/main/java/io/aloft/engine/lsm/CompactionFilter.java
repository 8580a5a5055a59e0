package io.aloft.engine.lsm;

/**
 * Decides, while compacting, what becomes of each newest value: kept, rewritten (a list with expired
 * elements removed), or dropped (expired). The ForSt backend implements TTL with it.
 */
@FunctionalInterface
public interface CompactionFilter {
  /** Keeps everything. */
  CompactionFilter NONE = (key, value, now) -> value;

  /**
   * @param now processing time of this compaction, epoch milliseconds
   * @return the value to keep ({@code value} itself when unchanged), or null to drop the entry
   */
  byte[] filter(byte[] userKey, byte[] value, long now);
}
