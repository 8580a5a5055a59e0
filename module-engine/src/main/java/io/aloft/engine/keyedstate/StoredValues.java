package io.aloft.engine.keyedstate;

import io.aloft.serde.Serializer;
import io.aloft.state.StateDescriptor;
import io.aloft.state.StateTtlConfig;
import java.io.ByteArrayOutputStream;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * How one state's values are stored (documented in {@code docs/state-layout.md}):
 *
 * <pre>
 *   value / map entry : [8-byte write time, TTL only] serialized value
 *   list              : elements, each [8-byte write time, TTL only] varint length, serialized element
 * </pre>
 *
 * The write time (epoch milliseconds, big-endian) lets reads hide and compaction drop expired entries
 * without knowing the serializer.
 */
final class StoredValues<T> {
  private final Serializer<T> serializer;
  private final long ttlMillis; // 0 = no TTL
  private final boolean hideExpired;
  private final InstantSource clock;
  private final StateDescriptor.Kind kind;

  StoredValues(
      StateDescriptor.Kind kind, Serializer<T> serializer, StateTtlConfig ttl, InstantSource clock) {
    this.kind = kind;
    this.serializer = serializer;
    this.ttlMillis = ttl == null ? 0 : ttl.ttl().toMillis();
    this.hideExpired =
        ttl != null && ttl.stateVisibility() == StateTtlConfig.StateVisibility.NeverReturnExpired;
    this.clock = clock;
  }

  /** What reads must hide (and gets remove), or null when nothing expires from view. */
  TableRequest.Expiry expiry() {
    return hideExpired ? new TableRequest.Expiry(kind, ttlMillis, clock) : null;
  }

  byte[] encode(T value) {
    byte[] bytes = Bytes.serialize(serializer, value);
    if (ttlMillis == 0) {
      return bytes;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 8);
    Bytes.putLong(out, clock.millis());
    out.writeBytes(bytes);
    return out.toByteArray();
  }

  T decode(byte[] stored) {
    int header = ttlMillis == 0 ? 0 : 8;
    return Bytes.deserialize(serializer, stored, header, stored.length - header);
  }

  /** The stored form of list elements, appended in order. */
  byte[] encodeElements(List<T> elements) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long now = ttlMillis == 0 ? 0 : clock.millis();
    for (T element : elements) {
      byte[] bytes = Bytes.serialize(serializer, element);
      if (ttlMillis != 0) {
        Bytes.putLong(out, now);
      }
      Bytes.putVarInt(out, bytes.length);
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  /** A stored list's elements, without those TTL hides. */
  List<T> decodeElements(byte[] stored) {
    byte[] visible =
        hideExpired
            ? TtlCompaction.filter(StateDescriptor.Kind.LIST, ttlMillis, stored, clock.millis())
            : stored;
    List<T> elements = new ArrayList<>();
    int[] pos = {0};
    while (visible != null && pos[0] < visible.length) {
      pos[0] += ttlMillis == 0 ? 0 : 8;
      int length = Bytes.getVarInt(visible, pos);
      elements.add(Bytes.deserialize(serializer, visible, pos[0], length));
      pos[0] += length;
    }
    return elements;
  }
}
