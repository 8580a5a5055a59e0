package io.aloft.engine.keyedstate;

import io.aloft.state.StateDescriptor;
import java.io.ByteArrayOutputStream;

/**
 * Drops expired state while compacting, knowing only the stored layout ({@link StoredValues}): a
 * value or map entry whose write time plus TTL has passed is dropped; a list keeps its unexpired
 * elements. Used by backends that compact (ForSt), so expired state leaves storage even if never read.
 */
public final class TtlCompaction {
  private TtlCompaction() {}

  /**
   * The value to keep: {@code stored} itself when nothing expired, a shorter list when some elements
   * expired, or null when everything did.
   */
  public static byte[] filter(StateDescriptor.Kind kind, long ttlMillis, byte[] stored, long now) {
    if (kind != StateDescriptor.Kind.LIST) {
      return stored.length >= 8 && Bytes.getLong(stored, 0) + ttlMillis <= now ? null : stored;
    }
    ByteArrayOutputStream kept = null;
    int[] pos = {0};
    while (pos[0] < stored.length) {
      int start = pos[0];
      long writeTime = Bytes.getLong(stored, pos[0]);
      pos[0] += 8;
      int length = Bytes.getVarInt(stored, pos);
      int end = pos[0] + length;
      boolean expired = writeTime + ttlMillis <= now;
      if (expired && kept == null) {
        kept = new ByteArrayOutputStream(stored.length);
        kept.write(stored, 0, start);
      } else if (!expired && kept != null) {
        kept.write(stored, start, end - start);
      }
      pos[0] = end;
    }
    if (kept == null) {
      return stored;
    }
    return kept.size() == 0 ? null : kept.toByteArray();
  }
}
