package io.aloft.engine.runtime;

import io.aloft.engine.keyedstate.Bytes;
import io.aloft.engine.keyedstate.CurrentRecord;
import io.aloft.serde.Serializer;
import java.nio.ByteBuffer;

/**
 * The timers per namespace of one processor: two {@link TimerStore}s (event time, processing time)
 * whose timers stand for {@code (key, namespace)}. In their rows the serialized key's place is taken by
 * {@code key length (int32, big-endian) | serialized key | serialized namespace}, so that one key's
 * timers of one time stay apart per namespace. Task thread only.
 *
 * @param <N> namespace type
 */
final class NamespaceTimers<N> {

  /** What a namespaced timer stands for: the key (object and bytes) and the namespace. */
  record Key(Object key, byte[] keyBytes, Object namespace) {}

  private final Serializer<N> namespaces;
  private final TimerStore<Key> events;
  private final TimerStore<Key> processing;

  NamespaceTimers(Serializer<N> namespaces, TimerStore<Key> events, TimerStore<Key> processing) {
    this.namespaces = namespaces;
    this.events = events;
    this.processing = processing;
  }

  Serializer<N> serializer() {
    return namespaces;
  }

  TimerStore<Key> events() {
    return events;
  }

  TimerStore<Key> processing() {
    return processing;
  }

  TimerStore<Key> store(io.aloft.process.TimeDomain domain) {
    return domain == io.aloft.process.TimeDomain.EVENT_TIME ? events : processing;
  }

  /** The timer of the current record's key in {@code namespace} at {@code time}. */
  TimerStore.Timer<Key> timer(CurrentRecord record, N namespace, long time) {
    if (namespace == null) {
      throw new NullPointerException("a timer's namespace must not be null");
    }
    byte[] ns = Bytes.serialize(namespaces, namespace);
    byte[] key = record.keyBytes();
    byte[] composite = ByteBuffer.allocate(4 + key.length + ns.length).putInt(key.length).put(key).put(ns).array();
    return new TimerStore.Timer<>(time, composite, record.keyGroup(), new Key(record.key(), key, namespace));
  }

  /** The key and namespace of a stored timer's composite bytes. */
  static <K, N> Key decode(byte[] composite, Serializer<K> keys, Serializer<N> namespaces) {
    ByteBuffer in = ByteBuffer.wrap(composite);
    int keyLength = in.getInt();
    byte[] key = new byte[keyLength];
    in.get(key);
    return new Key(
        Bytes.deserialize(keys, key, 0, keyLength),
        key,
        Bytes.deserialize(namespaces, composite, 4 + keyLength, composite.length - 4 - keyLength));
  }
}
