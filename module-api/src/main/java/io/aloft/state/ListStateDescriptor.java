package io.aloft.state;

import io.aloft.serde.Serializer;

/**
 * Describes a {@link ListState}.
 *
 * @param <T> element type
 */
public final class ListStateDescriptor<T> extends StateDescriptor<T> {

  /** @param elementSerializer serializer of one element */
  public ListStateDescriptor(String stateId, Serializer<T> elementSerializer) {
    super(stateId, elementSerializer);
  }

  @Override
  public Kind getKind() {
    return Kind.LIST;
  }
}
