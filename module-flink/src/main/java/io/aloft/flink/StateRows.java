package io.aloft.flink;

import io.aloft.spi.backend.StateTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.asyncprocessing.RecordContext;
import org.apache.flink.runtime.asyncprocessing.StateRequest;

/**
 * One Flink state's rows in its Aloft table: how its row keys and values are written. Values are in
 * Flink's serializers; a list is its elements, each a LEB128 length and the element, so adding is an
 * append; a map entry's value starts with a presence byte (Flink's map values may be null).
 *
 * <p>Threading: used by the task thread and the executor's threads; each has its own serializers.
 */
final class StateRows<K, N, V> {

  final String name;
  final StateTable table;
  private final RowCodec<K> codec;
  private final N defaultNamespace;
  private final ThreadLocal<TypeSerializer<N>> namespaceSerializer;
  private final ThreadLocal<TypeSerializer<V>> valueSerializer;

  StateRows(
      String name,
      StateTable table,
      RowCodec<K> codec,
      N defaultNamespace,
      TypeSerializer<N> namespaceSerializer,
      TypeSerializer<V> valueSerializer) {
    this.name = name;
    this.table = table;
    this.codec = codec;
    this.defaultNamespace = defaultNamespace;
    this.namespaceSerializer = ThreadLocal.withInitial(namespaceSerializer::duplicate);
    this.valueSerializer = ThreadLocal.withInitial(valueSerializer::duplicate);
  }

  /**
   * The row of the request's key and namespace (for a map: the prefix of its entries); a state whose
   * namespace the record never set is in its default namespace.
   */
  @SuppressWarnings("unchecked")
  byte[] row(StateRequest<?, ?, ?, ?> request) throws IOException {
    byte[] keyPart = codec.keyPart((RecordContext<K>) request.getRecordContext());
    N namespace = (N) request.getNamespace();
    return codec.rowKey(
        keyPart, namespace == null ? defaultNamespace : namespace, namespaceSerializer.get());
  }

  byte[] value(V value) throws IOException {
    DataOutputSerializer o = new DataOutputSerializer(32);
    valueSerializer.get().serialize(value, o);
    return o.getCopyOfBuffer();
  }

  V value(byte[] bytes) throws IOException {
    return bytes == null ? null : valueSerializer.get().deserialize(new DataInputDeserializer(bytes));
  }

  // ------------------------------------------------------------------------------------------ lists

  /** List elements as stored: each a LEB128 length and the element. */
  byte[] elements(Iterable<V> elements) throws IOException {
    DataOutputSerializer o = new DataOutputSerializer(64);
    DataOutputSerializer element = new DataOutputSerializer(32);
    TypeSerializer<V> serializer = valueSerializer.get();
    for (V e : elements) {
      if (e == null) {
        throw new NullPointerException("state '" + name + "': a list element is null");
      }
      element.clear();
      serializer.serialize(e, element);
      RowCodec.writeVarint(o, element.length());
      o.write(element.getSharedBuffer(), 0, element.length());
    }
    return o.getCopyOfBuffer();
  }

  List<V> elements(byte[] bytes) throws IOException {
    List<V> result = new ArrayList<>();
    if (bytes == null) {
      return result;
    }
    TypeSerializer<V> serializer = valueSerializer.get();
    DataInputDeserializer in = new DataInputDeserializer(bytes);
    while (in.available() > 0) {
      int length = RowCodec.readVarint(in);
      int start = bytes.length - in.available();
      result.add(serializer.deserialize(new DataInputDeserializer(bytes, start, length)));
      in.skipBytesToRead(length);
    }
    return result;
  }

  // ------------------------------------------------------------------------------------------- maps

  /** A map value as stored: a presence byte, then the value. */
  byte[] mapValue(V value) throws IOException {
    DataOutputSerializer o = new DataOutputSerializer(32);
    o.writeBoolean(value != null);
    if (value != null) {
      valueSerializer.get().serialize(value, o);
    }
    return o.getCopyOfBuffer();
  }

  V mapValue(byte[] bytes) throws IOException {
    if (bytes == null) {
      return null;
    }
    DataInputDeserializer in = new DataInputDeserializer(bytes);
    return in.readBoolean() ? valueSerializer.get().deserialize(in) : null;
  }
}
