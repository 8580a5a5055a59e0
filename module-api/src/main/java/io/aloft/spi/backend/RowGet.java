package io.aloft.spi.backend;

import java.util.Objects;

/**
 * One point read of a batch: the row {@code key} of {@code table}. The array belongs to the request;
 * the backend does not modify it.
 *
 * @param table the table to read
 * @param key the full row key
 */
public record RowGet(StateTable table, byte[] key) {
  public RowGet {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(key, "key");
  }
}
