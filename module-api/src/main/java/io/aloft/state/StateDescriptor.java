package io.aloft.state;

import io.aloft.serde.Serializer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Describes a state: its id (unique per function), its kind and the serializers of what it stores.
 * A descriptor is registered once, in {@code open}; registering the same id again with another kind or
 * other serializers fails with {@link StateCompatibilityException}.
 *
 * @param <T> the type of the stored values (list elements, map values, the accumulator)
 */
public abstract sealed class StateDescriptor<T>
    permits ValueStateDescriptor,
        ListStateDescriptor,
        MapStateDescriptor,
        ReducingStateDescriptor,
        AggregatingStateDescriptor {

  /** The kind of state a descriptor describes. */
  public enum Kind {
    VALUE,
    LIST,
    MAP,
    REDUCING,
    AGGREGATING
  }

  private final String stateId;
  private final Serializer<T> serializer;
  private StateTtlConfig ttlConfig;

  StateDescriptor(String stateId, Serializer<T> serializer) {
    Objects.requireNonNull(stateId, "stateId");
    if (stateId.isBlank()) {
      throw new IllegalArgumentException("stateId must not be blank");
    }
    this.stateId = stateId;
    this.serializer = Objects.requireNonNull(serializer, "serializer of state '" + stateId + "'");
  }

  /** The id, unique among the states of one function. */
  public final String getStateId() {
    return stateId;
  }

  /** The kind of state. */
  public abstract Kind getKind();

  /** The serializer of the stored values. */
  public final Serializer<T> getSerializer() {
    return serializer;
  }

  /**
   * Every serializer of this state, in a fixed order (the user-key serializer first for maps). Used
   * to check that a state registered or restored again stores the same format.
   */
  public List<Serializer<?>> serializers() {
    return List.of(serializer);
  }

  /** Enables time-to-live for this state's entries. Call before registering the state. */
  public final void enableTimeToLive(StateTtlConfig ttlConfig) {
    this.ttlConfig = Objects.requireNonNull(ttlConfig, "ttlConfig");
  }

  /** The time-to-live configuration, if enabled. */
  public final Optional<StateTtlConfig> getTtlConfig() {
    return Optional.ofNullable(ttlConfig);
  }

  @Override
  public String toString() {
    return getKind() + " state '" + stateId + "'";
  }
}
