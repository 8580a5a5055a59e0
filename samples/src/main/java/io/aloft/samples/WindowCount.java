package io.aloft.samples;

/**
 * The clicks of one user in one event-time window.
 *
 * @param user the user
 * @param windowStart window start, inclusive, epoch milliseconds
 * @param windowEnd window end, exclusive
 * @param clicks clicks in the window
 * @param totalClicks the user's clicks so far, all windows
 */
public record WindowCount(String user, long windowStart, long windowEnd, long clicks, long totalClicks) {
  @Override
  public String toString() {
    return String.format(
        "%s [%d, %d): %d clicks (%d in total)", user, windowStart, windowEnd, clicks, totalClicks);
  }
}
