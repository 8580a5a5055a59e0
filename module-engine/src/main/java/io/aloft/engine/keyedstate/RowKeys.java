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

  /**
   * A row key taken apart (for inspection tools): the inverse of {@link #prefix} and {@link #mapRow}.
   *
   * @param userKey the serialized map key of a map state's row; empty in every other state's row
   */
  public record Row(int keyGroup, byte[] key, byte[] namespace, byte[] userKey) {}

  /**
   * Takes {@code row} apart.
   *
   * @throws IllegalArgumentException if {@code row} is not in this layout: shorter than its key group,
   *     or a length that runs past its end
   */
  public static Row decode(byte[] row) {
    if (row.length < 2) {
      throw new IllegalArgumentException("a row key of " + row.length + " bytes has no key group");
    }
    int[] pos = {2};
    byte[] key = lengthPrefixed(row, pos, "key");
    byte[] namespace = lengthPrefixed(row, pos, "namespace");
    return new Row(keyGroup(row), key, namespace, java.util.Arrays.copyOfRange(row, pos[0], row.length));
  }

  private static byte[] lengthPrefixed(byte[] row, int[] pos, String what) {
    int start = pos[0];
    int length;
    try {
      length = Bytes.getVarInt(row, pos);
    } catch (ArrayIndexOutOfBoundsException | io.aloft.serde.SerializationException e) {
      throw new IllegalArgumentException("the " + what + " length at offset " + start + " is malformed");
    }
    if (length < 0 || length > row.length - pos[0]) {
      throw new IllegalArgumentException(
          "the " + what + " length " + length + " at offset " + start + " runs past the row's "
              + row.length + " bytes");
    }
    byte[] bytes = java.util.Arrays.copyOfRange(row, pos[0], pos[0] + length);
    pos[0] += length;
    return bytes;
  }
}
