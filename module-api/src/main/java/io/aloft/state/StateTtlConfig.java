package io.aloft.state;

import java.time.Duration;
import java.util.Objects;

/**
 * Time-to-live of state entries, in processing time. A value, list element or map entry expires
 * {@code ttl} after it was last created or written; expired entries are dropped by compaction (and by
 * reads, for {@link StateVisibility#NeverReturnExpired}).
 *
 * @param ttl how long an entry lives after its last write; positive
 * @param updateType what refreshes the timestamp
 * @param stateVisibility whether expired but not yet removed entries may be returned
 */
public record StateTtlConfig(Duration ttl, UpdateType updateType, StateVisibility stateVisibility) {

  /** What refreshes an entry's timestamp. */
  public enum UpdateType {
    /**
     * Creating or writing the entry. This is the only update type: Flink's {@code OnReadAndWrite}
     * would turn every read into a write to remote storage.
     */
    OnCreateAndWrite
  }

  /** Whether an expired entry that has not been removed yet may be returned. */
  public enum StateVisibility {
    /** Expired entries are never returned. */
    NeverReturnExpired,
    /** Expired entries are returned until compaction removes them. */
    ReturnExpiredIfNotCleanedUp
  }

  public StateTtlConfig {
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(updateType, "updateType");
    Objects.requireNonNull(stateVisibility, "stateVisibility");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
  }

  /** A builder with {@link UpdateType#OnCreateAndWrite} and {@link StateVisibility#NeverReturnExpired}. */
  public static Builder newBuilder(Duration ttl) {
    return new Builder(ttl);
  }

  /** Builds a {@link StateTtlConfig}. */
  public static final class Builder {
    private final Duration ttl;
    private UpdateType updateType = UpdateType.OnCreateAndWrite;
    private StateVisibility stateVisibility = StateVisibility.NeverReturnExpired;

    private Builder(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    public Builder setUpdateType(UpdateType updateType) {
      this.updateType = Objects.requireNonNull(updateType, "updateType");
      return this;
    }

    public Builder setStateVisibility(StateVisibility stateVisibility) {
      this.stateVisibility = Objects.requireNonNull(stateVisibility, "stateVisibility");
      return this;
    }

    public StateTtlConfig build() {
      return new StateTtlConfig(ttl, updateType, stateVisibility);
    }
  }
}
