package io.aloft.spi.backend;

import java.io.IOException;
import java.util.Objects;

/**
 * One write of a batch, as data: a backend sees the whole batch and may apply it as one atomic write.
 * The arrays belong to the request; the backend does not modify them.
 *
 * @param kind what the write does
 * @param table the table written
 * @param key the full row key ({@link Kind#DELETE_PREFIX}: the prefix)
 * @param value the value ({@link Kind#PUT}) or the suffix ({@link Kind#MERGE}); null for deletes
 */
public record RowWrite(Kind kind, StateTable table, byte[] key, byte[] value) {

  /** What a write does; each kind is the {@link StateTable} method of the same meaning. */
  public enum Kind {
    /** {@link StateTable#put}. */
    PUT,
    /** {@link StateTable#append}: appends the value to the row's value, creating it. */
    MERGE,
    /** {@link StateTable#delete}. */
    DELETE,
    /** {@link StateTable#deletePrefix}: removes every row whose key starts with the key. */
    DELETE_PREFIX
  }

  public RowWrite {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(key, "key");
    if ((kind == Kind.PUT || kind == Kind.MERGE) != (value != null)) {
      throw new IllegalArgumentException(
          kind + (value == null ? " needs a value" : " takes no value"));
    }
  }

  public static RowWrite put(StateTable table, byte[] key, byte[] value) {
    return new RowWrite(Kind.PUT, table, key, value);
  }

  public static RowWrite merge(StateTable table, byte[] key, byte[] suffix) {
    return new RowWrite(Kind.MERGE, table, key, suffix);
  }

  public static RowWrite delete(StateTable table, byte[] key) {
    return new RowWrite(Kind.DELETE, table, key, null);
  }

  public static RowWrite deletePrefix(StateTable table, byte[] prefix) {
    return new RowWrite(Kind.DELETE_PREFIX, table, prefix, null);
  }

  /** Applies this write by calling its table: what a backend without write batches does. */
  public void applyToTable() throws IOException {
    switch (kind) {
      case PUT -> table.put(key, value);
      case MERGE -> table.append(key, value);
      case DELETE -> table.delete(key);
      case DELETE_PREFIX -> table.deletePrefix(key);
    }
  }
}
