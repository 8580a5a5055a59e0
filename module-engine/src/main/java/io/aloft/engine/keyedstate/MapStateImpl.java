package io.aloft.engine.keyedstate;

import io.aloft.serde.Serializer;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.RowWrite;
import io.aloft.state.MapState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.StateFuture;
import io.aloft.state.StateIterator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * One row per entry, under the current key's prefix; iteration is a prefix scan in pages of
 * {@link #PAGE_SIZE} rows, so a map is never loaded whole.
 */
final class MapStateImpl<UK, UV> extends KeyedState implements MapState<UK, UV> {
  /** Rows fetched per round trip when iterating (Flink's ForSt uses the same). */
  static final int PAGE_SIZE = 128;

  private final Serializer<UK> userKeySerializer;
  private final StoredValues<UV> values;

  MapStateImpl(StateBinding binding, MapStateDescriptor<UK, UV> descriptor) {
    super(binding);
    this.userKeySerializer = descriptor.getUserKeySerializer();
    this.values =
        new StoredValues<>(
            descriptor.getKind(),
            descriptor.getUserValueSerializer(),
            descriptor.getTtlConfig().orElse(null),
            binding.clock());
  }

  /** Decodes one visible row into an iteration element. */
  @FunctionalInterface
  private interface RowDecoder<X> {
    X decode(byte[] prefix, KeyValue row);
  }

  private UK userKey(byte[] prefix, KeyValue row) {
    return Bytes.deserialize(
        userKeySerializer, row.key(), prefix.length, row.key().length - prefix.length);
  }

  private Map.Entry<UK, UV> entry(byte[] prefix, KeyValue row) {
    return Map.entry(userKey(prefix, row), values.decode(row.value()));
  }

  private UV value(byte[] prefix, KeyValue row) {
    return values.decode(row.value());
  }

  private byte[] row(UK userKey, String method) {
    requireNonNullArgument(userKey, method, stateId);
    return RowKeys.mapRow(keys.prefix(), Bytes.serialize(userKeySerializer, userKey));
  }

  @Override
  StateFuture<Void> clear(RequestHandler via) {
    return write(via, List.of(RowWrite.deletePrefix(table, keys.prefix())));
  }

  private StateFuture<UV> get(RequestHandler via, UK userKey) {
    return readVisible(via, row(userKey, "get"), values);
  }

  private StateFuture<Void> putAll(RequestHandler via, Map<UK, UV> map, String method) {
    requireNonNullArgument(map, method, stateId);
    // Encode on the calling thread: serializers see the caller's objects before it can mutate them.
    List<RowWrite> rows = new ArrayList<>(map.size());
    for (Map.Entry<UK, UV> e : map.entrySet()) {
      byte[] row = row(e.getKey(), method);
      rows.add(
          e.getValue() == null
              ? RowWrite.delete(table, row)
              : RowWrite.put(table, row, values.encode(e.getValue())));
    }
    return write(via, rows);
  }

  private StateFuture<Void> put(RequestHandler via, UK userKey, UV value) {
    Map<UK, UV> one = new LinkedHashMap<>(1);
    one.put(requireNonNullArgument(userKey, "put", stateId), value);
    return putAll(via, one, "put");
  }

  private StateFuture<Void> remove(RequestHandler via, UK userKey) {
    return putOrDelete(via, row(userKey, "remove"), null);
  }

  /**
   * Loads the visible rows after {@code startAfter}, skipping pages whose rows are all expired, so an
   * empty page means the map has nothing more.
   */
  private <X> StateFuture<Page<X>> page(
      RequestHandler via, byte[] prefix, byte[] startAfter, int size, RowDecoder<X> decoder) {
    return convert(
        via.submit(TableRequest.scan(stateId, table, prefix, startAfter, size, values.expiry())),
        scanned -> {
          List<X> elements = new ArrayList<>(scanned.rows().size());
          for (KeyValue row : scanned.rows()) {
            elements.add(decoder.decode(prefix, row));
          }
          byte[] resume = scanned.resumeAfter();
          return new Page<>(
              elements, resume == null ? null : () -> page(via, prefix, resume, size, decoder));
        });
  }

  private <X> StateFuture<StateIterator<X>> iterate(RowDecoder<X> decoder) {
    return convert(
        page(async(), keys.prefix(), null, PAGE_SIZE, decoder), first -> new PagedStateIterator<>(first));
  }

  private StateFuture<Boolean> isEmpty(RequestHandler via) {
    return convert(page(via, keys.prefix(), null, 1, this::userKey), p -> p.elements().isEmpty());
  }

  @Override
  public StateFuture<UV> asyncGet(UK key) {
    return get(async(), key);
  }

  @Override
  public StateFuture<Void> asyncPut(UK key, UV value) {
    return put(async(), key, value);
  }

  @Override
  public StateFuture<Void> asyncPutAll(Map<UK, UV> map) {
    return putAll(async(), map, "putAll");
  }

  @Override
  public StateFuture<Void> asyncRemove(UK key) {
    return remove(async(), key);
  }

  @Override
  public StateFuture<Boolean> asyncContains(UK key) {
    return convert(get(async(), key), v -> v != null);
  }

  @Override
  public StateFuture<StateIterator<Map.Entry<UK, UV>>> asyncEntries() {
    return iterate(this::entry);
  }

  @Override
  public StateFuture<StateIterator<UK>> asyncKeys() {
    return iterate(this::userKey);
  }

  @Override
  public StateFuture<StateIterator<UV>> asyncValues() {
    return iterate(this::value);
  }

  @Override
  public StateFuture<Boolean> asyncIsEmpty() {
    return isEmpty(async());
  }

  @Override
  public UV get(UK key) {
    return await(get(direct(), key));
  }

  @Override
  public void put(UK key, UV value) {
    await(put(direct(), key, value));
  }

  @Override
  public void putAll(Map<UK, UV> map) {
    await(putAll(direct(), map, "putAll"));
  }

  @Override
  public void remove(UK key) {
    await(remove(direct(), key));
  }

  @Override
  public boolean contains(UK key) {
    return get(key) != null;
  }

  @Override
  public Iterable<Map.Entry<UK, UV>> entries() {
    return () -> new SyncIterator<Map.Entry<UK, UV>>(this::entry, Map.Entry::getKey);
  }

  @Override
  public Iterable<UK> keys() {
    return () -> new SyncIterator<UK>(this::userKey, k -> k);
  }

  @Override
  public Iterable<UV> values() {
    return () -> new SyncIterator<Map.Entry<UK, UV>>(this::entry, Map.Entry::getKey).values();
  }

  @Override
  public Iterator<Map.Entry<UK, UV>> iterator() {
    return entries().iterator();
  }

  @Override
  public boolean isEmpty() {
    return await(isEmpty(direct()));
  }

  /** Iterates page by page with direct requests; {@link #remove()} deletes the last returned entry. */
  private final class SyncIterator<X> implements Iterator<X> {
    private final byte[] prefix = keys.prefix();
    private final java.util.function.Function<X, UK> keyOf;
    private Page<X> page;
    private int index;
    private X last;

    SyncIterator(RowDecoder<X> decoder, java.util.function.Function<X, UK> keyOf) {
      this.keyOf = keyOf;
      this.page = await(page(direct(), prefix, null, PAGE_SIZE, decoder));
    }

    @Override
    public boolean hasNext() {
      while (index == page.elements().size()) {
        if (page.next() == null) {
          return false;
        }
        page = await(page.next().get());
        index = 0;
      }
      return true;
    }

    @Override
    public X next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      last = page.elements().get(index++);
      return last;
    }

    @Override
    public void remove() {
      if (last == null) {
        throw new IllegalStateException("next() has not been called");
      }
      byte[] row = RowKeys.mapRow(prefix, Bytes.serialize(userKeySerializer, keyOf.apply(last)));
      await(putOrDelete(direct(), row, null));
      last = null;
    }

    /** The values of the entries this iterator walks. */
    Iterator<UV> values() {
      @SuppressWarnings("unchecked")
      Iterator<Map.Entry<UK, UV>> self = (Iterator<Map.Entry<UK, UV>>) this;
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return self.hasNext();
        }

        @Override
        public UV next() {
          return self.next().getValue();
        }

        @Override
        public void remove() {
          self.remove();
        }
      };
    }
  }
}
