package io.aloft.spi.backend;

import io.aloft.state.StateDescriptor;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a backend needs to know about one state's table: its name (the state id), its kind, and — when
 * TTL is on — how long entries live, so that compaction can drop expired ones. The value layout of each
 * kind is described in {@link StateTable}.
 *
 * @param name the state id; unique per backend
 * @param kind the kind of state stored in the table
 * @param ttl time-to-live of entries, if enabled
 */
public record TableSpec(String name, StateDescriptor.Kind kind, Optional<Duration> ttl) {
  public TableSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ttl, "ttl");
  }
}
