package io.aloft.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.asyncprocessing.RecordContext;

/**
 * Writes the row keys of Flink's states in Aloft's layout ({@code docs/state-layout.md}): key group (2
 * bytes, big-endian), LEB128 length and the key's bytes (Flink's key serializer), LEB128 length and the
 * namespace's bytes, and for a map entry the user key's bytes. One per backend: the key part of a
 * record is serialized once and kept in the record's context ({@link RecordContext#setExtra}).
 *
 * <p>Threading: serializers are not thread-safe, so each thread gets its own duplicate.
 */
final class RowCodec<K> {

  private final ThreadLocal<TypeSerializer<K>> keySerializer;
  private final ThreadLocal<DataOutputSerializer> out =
      ThreadLocal.withInitial(() -> new DataOutputSerializer(64));

  RowCodec(TypeSerializer<K> keySerializer) {
    TypeSerializer<K> original = keySerializer;
    this.keySerializer = ThreadLocal.withInitial(original::duplicate);
  }

  /** The record's key group and serialized key, cached in its context. */
  byte[] keyPart(RecordContext<K> context) throws IOException {
    Object extra = context.getExtra();
    if (extra instanceof KeyPart part) {
      return part.bytes();
    }
    DataOutputSerializer key = new DataOutputSerializer(32);
    keySerializer.get().serialize(context.getKey(), key);
    int group = context.getKeyGroup();
    DataOutputSerializer o = out.get();
    o.clear();
    o.writeShort(group);
    writeVarint(o, key.length());
    o.write(key.getSharedBuffer(), 0, key.length());
    byte[] bytes = o.getCopyOfBuffer();
    context.setExtra(new KeyPart(bytes));
    return bytes;
  }

  /** {@code keyPart}, then the LEB128 length and bytes of {@code namespace}. */
  <N> byte[] rowKey(byte[] keyPart, N namespace, TypeSerializer<N> namespaceSerializer)
      throws IOException {
    DataOutputSerializer ns = new DataOutputSerializer(16);
    namespaceSerializer.serialize(namespace, ns);
    DataOutputSerializer o = out.get();
    o.clear();
    o.write(keyPart);
    writeVarint(o, ns.length());
    o.write(ns.getSharedBuffer(), 0, ns.length());
    return o.getCopyOfBuffer();
  }

  /** A map entry's row: the (key, namespace) row followed by the serialized user key. */
  static <UK> byte[] entryKey(byte[] prefix, UK userKey, TypeSerializer<UK> userKeySerializer)
      throws IOException {
    DataOutputSerializer o = new DataOutputSerializer(prefix.length + 16);
    o.write(prefix);
    userKeySerializer.serialize(userKey, o);
    return o.getCopyOfBuffer();
  }

  /** The user key of a map entry's row whose (key, namespace) part is {@code prefixLength} long. */
  static <UK> UK userKey(byte[] row, int prefixLength, TypeSerializer<UK> userKeySerializer)
      throws IOException {
    return userKeySerializer.deserialize(
        new DataInputDeserializer(row, prefixLength, row.length - prefixLength));
  }

  static void writeVarint(DataOutputSerializer o, int value) throws IOException {
    while ((value & ~0x7F) != 0) {
      o.writeByte((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    o.writeByte(value);
  }

  static int readVarint(DataInputDeserializer in) throws IOException {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("malformed varint in a stored list");
  }

  /** A record's serialized key part, kept in its context. */
  private record KeyPart(byte[] bytes) {}
}
