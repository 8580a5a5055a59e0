package io.aloft.engine.keyedstate;

import io.aloft.spi.backend.RowWrite;
import io.aloft.state.ListState;
import io.aloft.state.ListStateDescriptor;
import io.aloft.state.StateFuture;
import io.aloft.state.StateIterator;
import java.util.List;

/** A list is one row; adding appends encoded elements to it. */
final class ListStateImpl<T> extends KeyedState implements ListState<T> {
  private final StoredValues<T> values;

  ListStateImpl(StateBinding binding, ListStateDescriptor<T> descriptor) {
    super(binding);
    this.values =
        new StoredValues<>(
            descriptor.getKind(),
            descriptor.getSerializer(), descriptor.getTtlConfig().orElse(null), binding.clock());
  }

  /** The visible elements; expired ones are removed from storage on the way. */
  private StateFuture<List<T>> read(RequestHandler via) {
    return convert(
        via.submit(TableRequest.get(stateId, table, keys.prefix(), values.expiry())),
        stored -> stored == null ? List.of() : values.decodeElements(stored));
  }

  private StateFuture<Void> append(RequestHandler via, List<T> elements, String method) {
    checkElements(elements, method);
    if (elements.isEmpty()) {
      return write(via, List.of()); // changes nothing, but keeps its place in the record's order
    }
    return write(via, List.of(RowWrite.merge(table, keys.prefix(), values.encodeElements(elements))));
  }

  private StateFuture<Void> replace(RequestHandler via, List<T> elements) {
    checkElements(elements, "update");
    return putOrDelete(
        via, keys.prefix(), elements.isEmpty() ? null : values.encodeElements(elements));
  }

  private void checkElements(List<T> elements, String method) {
    requireNonNullArgument(elements, method, stateId);
    for (T element : elements) {
      if (element == null) {
        throw new NullPointerException(
            method + " of list state '" + stateId + "' does not accept null elements");
      }
    }
  }

  @Override
  public StateFuture<StateIterator<T>> asyncGet() {
    return convert(read(async()), list -> new PagedStateIterator<>(Page.last(list)));
  }

  @Override
  public StateFuture<Void> asyncAdd(T value) {
    return append(async(), List.of(requireNonNullArgument(value, "add", stateId)), "add");
  }

  @Override
  public StateFuture<Void> asyncUpdate(List<T> values) {
    return replace(async(), values);
  }

  @Override
  public StateFuture<Void> asyncAddAll(List<T> values) {
    return append(async(), values, "addAll");
  }

  @Override
  public Iterable<T> get() {
    return await(read(direct()));
  }

  @Override
  public void add(T value) {
    await(append(direct(), List.of(requireNonNullArgument(value, "add", stateId)), "add"));
  }

  @Override
  public void update(List<T> values) {
    await(replace(direct(), values));
  }

  @Override
  public void addAll(List<T> values) {
    await(append(direct(), values, "addAll"));
  }
}
