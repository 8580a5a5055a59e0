package io.aloft.engine.lsm;

/**
 * Decides, while compacting, what becomes of each newest value: kept, rewritten (a list with expired
 * elements removed), or dropped (expired). The ForSt backend implements TTL with it.
 */
@FunctionalInterface
public interface CompactionFilter {
  /** Keeps everything. */
  CompactionFilter NONE =
      new CompactionFilter() {
        @Override
        public byte[] filter(byte[] userKey, byte[] value, long now) {
          return value;
        }

        @Override
        public boolean mayChange(byte[] userKey, int userKeyLength) {
          return false;
        }
      };

  /**
   * Whether {@link #filter} may change or drop the value of user key {@code userKey[0..userKeyLength)};
   * when false, compaction copies the entry without materialising it for the filter.
   */
  default boolean mayChange(byte[] userKey, int userKeyLength) {
    return true;
  }

  /**
   * @param now processing time of this compaction, epoch milliseconds
   * @return the value to keep ({@code value} itself when unchanged), or null to drop the entry
   */
  byte[] filter(byte[] userKey, byte[] value, long now);
}
