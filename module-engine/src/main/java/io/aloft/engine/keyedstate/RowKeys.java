package io.aloft.engine.keyedstate;

import java.io.ByteArrayOutputStream;

/**
 * The layout of row keys in every backend's tables (documented in {@code docs/state-layout.md}):
 *
 * <pre>
 *   key group   : 2 bytes, big-endian (so a key-group range is a contiguous key range)
 *   key         : varint length, serialized key
 *   namespace   : varint length, serialized namespace (empty for keyed process functions)
 *   user key    : serialized map key — map states only, to the end of the row key
 * </pre>
 *
 * Length prefixes make the prefix of one (key, namespace) never a prefix of another's, so a map's
 * entries are exactly the rows that start with its prefix.
 */
public final class RowKeys {
  private RowKeys() {}

  private static final byte[] NO_NAMESPACE = new byte[0];

  /** The row key of a value, list, reducing or aggregating state; the row prefix of a map state. */
  public static byte[] prefix(int keyGroup, byte[] key) {
    return prefix(keyGroup, key, NO_NAMESPACE);
  }

  public static byte[] prefix(int keyGroup, byte[] key, byte[] namespace) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(key.length + namespace.length + 6);
    out.write(keyGroup >>> 8);
    out.write(keyGroup);
    Bytes.putVarInt(out, key.length);
    out.writeBytes(key);
    Bytes.putVarInt(out, namespace.length);
    out.writeBytes(namespace);
    return out.toByteArray();
  }

  /** The row key of one map entry. */
  public static byte[] mapRow(byte[] prefix, byte[] userKey) {
    byte[] row = new byte[prefix.length + userKey.length];
    System.arraycopy(prefix, 0, row, 0, prefix.length);
    System.arraycopy(userKey, 0, row, prefix.length, userKey.length);
    return row;
  }

  /** The key group of a row key. */
  public static int keyGroup(byte[] row) {
    return ((row[0] & 0xFF) << 8) | (row[1] & 0xFF);
  }
}
