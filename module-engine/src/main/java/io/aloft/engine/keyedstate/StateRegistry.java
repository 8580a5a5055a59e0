package io.aloft.engine.keyedstate;

import io.aloft.serde.Serializer;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.TableSpec;
import io.aloft.state.AggregatingState;
import io.aloft.state.AggregatingStateDescriptor;
import io.aloft.state.ListState;
import io.aloft.state.ListStateDescriptor;
import io.aloft.state.MapState;
import io.aloft.state.NamespacedState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.ReducingState;
import io.aloft.state.ReducingStateDescriptor;
import io.aloft.state.StateAccessException;
import io.aloft.state.StateCompatibilityException;
import io.aloft.state.StateDescriptor;
import io.aloft.state.StateTtlConfig;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The states of one processor instance, by id. Registering an id again returns the same state when
 * the descriptor describes the same format, and fails naming both formats otherwise. Owned by the task
 * thread.
 */
public final class StateRegistry {
  /** State ids starting with this name the runtime's own tables in the backend. */
  public static final String RESERVED_PREFIX = "__aloft_";

  private final KeyedStateBackend backend;
  private final KeyContext keys;
  private final Supplier<RequestHandler> asyncHandler;
  private final RequestHandler directHandler;
  private final InstantSource clock;
  private final Consumer<String> beforeSyncAccess;
  private final Map<String, String> restoredFormats;
  private final Map<String, Registered> states = new java.util.LinkedHashMap<>();

  private record Registered(String format, Object state) {}

  public StateRegistry(
      KeyedStateBackend backend,
      KeyContext keys,
      Supplier<RequestHandler> asyncHandler,
      RequestHandler directHandler,
      InstantSource clock,
      Consumer<String> beforeSyncAccess,
      Map<String, String> restoredFormats) {
    this.restoredFormats = Map.copyOf(restoredFormats);
    this.backend = backend;
    this.keys = keys;
    this.asyncHandler = asyncHandler;
    this.directHandler = directHandler;
    this.clock = clock;
    this.beforeSyncAccess = beforeSyncAccess;
  }

  public <T> ValueState<T> value(ValueStateDescriptor<T> d) {
    return register(d, b -> new ValueStateImpl<>(b, d));
  }

  public <T> ListState<T> list(ListStateDescriptor<T> d) {
    return register(d, b -> new ListStateImpl<>(b, d));
  }

  public <UK, UV> MapState<UK, UV> map(MapStateDescriptor<UK, UV> d) {
    return register(d, b -> new MapStateImpl<>(b, d));
  }

  public <T> ReducingState<T> reducing(ReducingStateDescriptor<T> d) {
    return register(d, b -> new ReducingStateImpl<>(b, d));
  }

  public <IN, ACC, OUT> AggregatingState<IN, OUT> aggregating(
      AggregatingStateDescriptor<IN, ACC, OUT> d) {
    return register(d, b -> new AggregatingStateImpl<>(b, d));
  }

  /** The format of every registered state, by id, in registration order (stored in checkpoints). */
  public Map<String, String> formats() {
    Map<String, String> formats = new java.util.LinkedHashMap<>();
    states.forEach((id, r) -> formats.put(id, r.format()));
    return formats;
  }

  /**
   * The format of a state as compared on re-registration (and, later, on restore): kind, serializer
   * identifiers and versions, and TTL.
   */
  public static String format(StateDescriptor<?> descriptor) {
    StringBuilder s = new StringBuilder(descriptor.getKind().name()).append(" with serializers [");
    List<Serializer<?>> serializers = descriptor.serializers();
    for (int i = 0; i < serializers.size(); i++) {
      if (i > 0) {
        s.append(", ");
      }
      s.append(serializers.get(i).identifier()).append(" v").append(serializers.get(i).version());
    }
    s.append(']');
    descriptor.getTtlConfig().ifPresent(t -> s.append(" and TTL ").append(t.ttl()));
    return s.toString();
  }

  public <N, T> NamespacedState<N, ValueState<T>> value(ValueStateDescriptor<T> d, Serializer<N> ns) {
    return namespaced(d, ns, b -> new ValueStateImpl<>(b, d));
  }

  public <N, T> NamespacedState<N, ListState<T>> list(ListStateDescriptor<T> d, Serializer<N> ns) {
    return namespaced(d, ns, b -> new ListStateImpl<>(b, d));
  }

  public <N, UK, UV> NamespacedState<N, MapState<UK, UV>> map(MapStateDescriptor<UK, UV> d, Serializer<N> ns) {
    return namespaced(d, ns, b -> new MapStateImpl<>(b, d));
  }

  public <N, T> NamespacedState<N, ReducingState<T>> reducing(ReducingStateDescriptor<T> d, Serializer<N> ns) {
    return namespaced(d, ns, b -> new ReducingStateImpl<>(b, d));
  }

  public <N, IN, ACC, OUT> NamespacedState<N, AggregatingState<IN, OUT>> aggregating(
      AggregatingStateDescriptor<IN, ACC, OUT> d, Serializer<N> ns) {
    return namespaced(d, ns, b -> new AggregatingStateImpl<>(b, d));
  }

  /**
   * A state per namespace: one registration (its format names the namespace serializer too), and per
   * {@code in(namespace)} a state bound to the current key's rows in that namespace.
   */
  private <N, S extends io.aloft.state.State> NamespacedState<N, S> namespaced(
      StateDescriptor<?> descriptor, Serializer<N> namespaces, Function<StateBinding, S> create) {
    java.util.Objects.requireNonNull(namespaces, "namespaceSerializer");
    String suffix = " per namespace " + namespaces.identifier() + " v" + namespaces.version();
    StateBinding binding = register(descriptor, suffix, b -> b);
    return namespace -> {
      if (namespace == null) {
        throw new NullPointerException(
            "state '" + descriptor.getStateId() + "' takes no null namespace");
      }
      return create.apply(binding.inNamespace(Bytes.serialize(namespaces, namespace)));
    };
  }

  private <S> S register(StateDescriptor<?> descriptor, Function<StateBinding, S> create) {
    return register(descriptor, "", create);
  }

  @SuppressWarnings("unchecked")
  private <S> S register(StateDescriptor<?> descriptor, String formatSuffix, Function<StateBinding, S> create) {
    if (descriptor == null) {
      throw new NullPointerException("state descriptor must not be null");
    }
    String id = descriptor.getStateId();
    if (id.startsWith(RESERVED_PREFIX)) {
      throw new IllegalArgumentException(
          "state id '" + id + "' is reserved: ids starting with '" + RESERVED_PREFIX + "' name Aloft's own"
              + " tables (the timers)");
    }
    String format = format(descriptor) + formatSuffix;
    Registered existing = states.get(id);
    if (existing != null) {
      if (!existing.format().equals(format)) {
        throw new StateCompatibilityException(
            "State '" + id + "' is already registered as " + existing.format()
                + "; it cannot be registered again as " + format);
      }
      return (S) existing.state();
    }
    String restored = restoredFormats.get(id);
    if (restored != null && !restored.equals(format)) {
      throw new StateCompatibilityException(
          "State '" + id + "' was checkpointed as " + restored + " but is now registered as " + format
              + ". Restoring it would misread its bytes: register it with the serializers (and"
              + " versions) it was written with, or use a new state id.");
    }
    Optional<Duration> ttl = descriptor.getTtlConfig().map(StateTtlConfig::ttl);
    StateBinding binding;
    try {
      binding =
          new StateBinding(
              id,
              backend.table(new TableSpec(id, descriptor.getKind(), ttl)),
              keys,
              asyncHandler,
              directHandler,
              clock,
              () -> beforeSyncAccess.accept(id));
    } catch (IOException e) {
      throw new StateAccessException("cannot create the table of state '" + id + "': " + e, e);
    }
    S state = create.apply(binding);
    states.put(id, new Registered(format, state));
    return state;
  }
}
