package io.aloft.spi.backend;

import java.util.List;

/**
 * One page of a prefix scan, in ascending key order.
 *
 * @param rows the rows of this page
 * @param hasMore whether rows beyond the last one may exist (ask again with it as {@code startAfter})
 */
public record ScanPage(List<KeyValue> rows, boolean hasMore) {

  /** The key to continue after; only when {@link #hasMore()}. */
  public byte[] lastKey() {
    return rows.get(rows.size() - 1).key();
  }
}
