package io.aloft.cli;

import io.aloft.engine.checkpoint.InstanceCheckpoint;
import io.aloft.engine.forst.ForStSnapshot;
import io.aloft.engine.forst.ForStTable;
import io.aloft.engine.keyedstate.RowKeys;
import io.aloft.engine.keyedstate.StateRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shows the keys of a {@code forst} tree: key group, table (and the state it holds, when known), then
 * the row key's parts as {@code docs/state-layout.md} describes them — key, namespace and map user key
 * ({@link RowKeys#decode}), or for the timer tables the timer's time and key. Which table holds which
 * state comes from a checkpoint part or a manifest; without it tables are shown by number and their
 * rows decoded as state rows.
 */
final class StoredKeys {
  private final Map<Integer, String> tableNames;
  private final boolean raw;

  private StoredKeys(Map<Integer, String> tableNames, boolean raw) {
    this.tableNames = tableNames;
    this.raw = raw;
  }

  private StoredKeys(Map<Integer, String> tableNames) {
    this(tableNames, false);
  }

  /** Tables known by number only. */
  static StoredKeys unnamed() {
    return new StoredKeys(Map.of());
  }

  /** Keys as stored, not taken apart: trees of other layouts (aloft bench's). */
  static StoredKeys raw() {
    return new StoredKeys(Map.of(), true);
  }

  /** The tables of {@code forst} checkpoint parts (other backends' parts name none). */
  static StoredKeys of(Iterable<InstanceCheckpoint> parts) throws IOException {
    Map<Integer, String> names = new TreeMap<>();
    for (InstanceCheckpoint part : parts) {
      if (part.backendType().equals("forst")) {
        ForStSnapshot.decode(part.backendMetadata()).tableIds().forEach((state, id) -> names.put(id, state));
      }
    }
    return new StoredKeys(names);
  }

  /** The tables a manifest's metadata names ({@code table.<state id>} → table id). */
  static StoredKeys ofManifest(Map<String, String> metadata) {
    Map<Integer, String> names = new TreeMap<>();
    metadata.forEach((key, value) -> {
      if (key.startsWith(ForStTable.MANIFEST_ID_PREFIX)) {
        try {
          names.put(Integer.parseInt(value), key.substring(ForStTable.MANIFEST_ID_PREFIX.length()));
        } catch (NumberFormatException e) {
          // not a table id: shown with the rest of the metadata, not used to name tables
        }
      }
    });
    return new StoredKeys(names);
  }

  Map<Integer, String> tableNames() {
    return tableNames;
  }

  /** Whether keys are shown as stored. */
  boolean isRaw() {
    return raw;
  }

  /** {@code group 5, clicks-per-window (table 1): key "\x07user-42", user key 0x…}. */
  String describe(byte[] storedKey) {
    if (raw) {
      return Text.bytes(storedKey);
    }
    if (ForStTable.tableId(storedKey) < 0) {
      return "group " + RowKeys.keyGroup(Arrays.copyOf(storedKey, 2)) + ", " + Text.bytes(storedKey)
          + " (too short for a table id)";
    }
    int table = ForStTable.tableId(storedKey);
    String name = tableNames.get(table);
    byte[] row = ForStTable.row(storedKey);
    StringBuilder s = new StringBuilder("group ").append(RowKeys.keyGroup(row)).append(", ");
    s.append(name == null ? "table " + table : name + " (table " + table + ")").append(": ");
    try {
      if (name != null && isTimerTable(name)) {
        s.append(timer(row, name.contains("namespace")));
      } else {
        RowKeys.Row parts = RowKeys.decode(row);
        s.append("key ").append(Text.bytes(parts.key()));
        if (parts.namespace().length > 0) {
          s.append(", namespace ").append(Text.bytes(parts.namespace()));
        }
        if (parts.userKey().length > 0) {
          s.append(", user key ").append(Text.bytes(parts.userKey()));
        }
      }
    } catch (IllegalArgumentException e) {
      s.append("row ").append(Text.bytes(row, 2, row.length - 2)).append(" (not a state row: ")
          .append(e.getMessage()).append(')');
    }
    return s.toString();
  }

  /** The runtime's own tables ({@code __aloft_timers__}, …), which hold timers, not state rows. */
  private static boolean isTimerTable(String state) {
    return state.startsWith(StateRegistry.RESERVED_PREFIX) && state.contains("timers");
  }

  /**
   * A timer row ({@code docs/state-layout.md#timers}): key group, the time (8 bytes big-endian, sign
   * bit flipped), the serialized key — for timers per namespace {@code key length int32 | key |
   * namespace}.
   */
  private static String timer(byte[] row, boolean perNamespace) {
    if (row.length < 10) {
      throw new IllegalArgumentException("a timer row of " + row.length + " bytes has no time");
    }
    long time = ByteBuffer.wrap(row, 2, 8).getLong() ^ Long.MIN_VALUE;
    String s = "timer at " + time;
    if (!perNamespace) {
      return s + ", key " + Text.bytes(row, 10, row.length - 10);
    }
    if (row.length < 14) {
      throw new IllegalArgumentException("a namespace timer row of " + row.length + " bytes has no key length");
    }
    int keyLength = ByteBuffer.wrap(row, 10, 4).getInt();
    if (keyLength < 0 || keyLength > row.length - 14) {
      throw new IllegalArgumentException("key length " + keyLength + " runs past the row");
    }
    return s + ", key " + Text.bytes(row, 14, keyLength) + ", namespace "
        + Text.bytes(row, 14 + keyLength, row.length - 14 - keyLength);
  }
}
