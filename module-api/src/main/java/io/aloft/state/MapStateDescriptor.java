package io.aloft.state;

import io.aloft.serde.Serializer;
import java.util.List;
import java.util.Objects;

/**
 * Describes a {@link MapState}.
 *
 * @param <UK> user key type
 * @param <UV> user value type
 */
public final class MapStateDescriptor<UK, UV> extends StateDescriptor<UV> {
  private final Serializer<UK> userKeySerializer;

  public MapStateDescriptor(
      String stateId, Serializer<UK> userKeySerializer, Serializer<UV> userValueSerializer) {
    super(stateId, userValueSerializer);
    this.userKeySerializer =
        Objects.requireNonNull(userKeySerializer, "userKeySerializer of state '" + stateId + "'");
  }

  public Serializer<UK> getUserKeySerializer() {
    return userKeySerializer;
  }

  public Serializer<UV> getUserValueSerializer() {
    return getSerializer();
  }

  @Override
  public List<Serializer<?>> serializers() {
    return List.of(userKeySerializer, getSerializer());
  }

  @Override
  public Kind getKind() {
    return Kind.MAP;
  }
}
