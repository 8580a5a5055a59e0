package io.aloft.sql.runtime;

import io.aloft.state.StateDescriptor;
import io.aloft.state.StateTtlConfig;
import java.time.Duration;

/** {@code table.exec.state.ttl} on a state descriptor: the one place the SQL operators apply it. */
final class Ttl {

  private Ttl() {}

  /** {@code descriptor}, its state expiring {@code ttl} after it was written (none for 0). */
  static <D extends StateDescriptor<?>> D expiring(D descriptor, Duration ttl) {
    if (!ttl.isZero()) {
      descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl).build());
    }
    return descriptor;
  }
}
