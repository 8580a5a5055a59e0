package io.aloft.sql;

import io.aloft.config.Config;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.sql.runtime.GroupAggFunction;
import io.aloft.sql.runtime.StateAccess;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code SELECT k1, k2, agg1, agg2 … FROM t GROUP BY k1, k2}: Flink's group aggregate. Keyed by the
 * group columns, it keeps one accumulator row per group (and, for {@code MIN}/{@code MAX} over an
 * input that retracts, a count per distinct value) and emits a changelog of the result: {@code +I}
 * for a new group, {@code -U}/{@code +U} when its result changes (nothing when it does not, unless
 * {@code table.exec.state.ttl} is set, as in Flink), {@code -D} when its last row is retracted.
 *
 * <p>Run it on a keyed job with {@link #keySelector()} and {@link #keySerializer()}; {@link
 * #newFunction(Config)} gives the async version when {@code table.exec.async-state.enabled} is true,
 * the sync one otherwise. Both run the same logic and emit the same changes per group.
 */
public final class GroupAggregate implements SqlOperator {

  private final Schema input;
  private final int[] groupBy;
  private final List<AggregateCall> calls;
  private final boolean retractingInput;
  private final Schema output;

  private GroupAggregate(Schema input, int[] groupBy, List<AggregateCall> calls, boolean retractingInput) {
    this.input = input;
    this.groupBy = groupBy;
    this.calls = List.copyOf(calls);
    this.retractingInput = retractingInput;
    Schema.Builder out = Schema.builder();
    for (int g : groupBy) {
      out.column(input.column(g).name(), input.type(g));
    }
    for (AggregateCall call : calls) {
      out.column(call.name(), call.resultType(input));
    }
    this.output = out.build();
  }

  /** Starts a group aggregate over rows of {@code input}. */
  public static Builder builder(Schema input) {
    return new Builder(input);
  }

  @Override
  public Schema inputSchema() {
    return input;
  }

  /** The group columns, then one column per aggregate. */
  @Override
  public Schema outputSchema() {
    return output;
  }

  public List<AggregateCall> calls() {
    return calls;
  }

  /** Whether the input may hold {@code -U}/{@code -D} rows. */
  public boolean retractingInput() {
    return retractingInput;
  }

  /** The group columns. */
  @Override
  public int[] keyColumns() {
    return groupBy.clone();
  }

  @Override
  public KeyedProcessFunction<Row, Row, Row> newFunction(Config config) {
    SqlOptions.check(config);
    return function(
        config,
        config.get(SqlOptions.MINI_BATCH_ENABLED) ? config.get(SqlOptions.MINI_BATCH_ALLOW_LATENCY) : null,
        config.getOptional(SqlOptions.MINI_BATCH_SIZE).orElse(1),
        -1);
  }

  /**
   * The function over input rows ({@code partialKeyArity} -1) or over a local phase's partial rows;
   * {@code config} already checked.
   */
  private GroupAggFunction function(
      Config config, java.time.Duration miniBatchLatency, int miniBatchSize, int partialKeyArity) {
    return new GroupAggFunction(
        input,
        calls,
        retractingInput,
        StateAccess.of(config.get(SqlOptions.ASYNC_STATE_ENABLED)),
        config.get(SqlOptions.STATE_TTL),
        miniBatchLatency,
        miniBatchSize,
        partialKeyArity);
  }

  /**
   * Whether the aggregate runs in two phases ({@code table.optimizer.agg-phase-strategy: TWO_PHASE}):
   * its accumulators must merge, so no DISTINCT aggregate and no MIN/MAX over an input that retracts.
   */
  public boolean mergeable() {
    for (AggregateCall call : calls) {
      boolean extreme = call.function() == AggregateCall.Function.MIN || call.function() == AggregateCall.Function.MAX;
      if (call.isDistinct() || (extreme && retractingInput)) {
        return false;
      }
    }
    return true;
  }

  /** The local phase of the two-phase plan: a new heap pre-aggregator for one input thread. */
  io.aloft.sql.runtime.LocalAggregator newLocalPhase() {
    requireMergeable();
    return new io.aloft.sql.runtime.LocalAggregator(input, groupBy, calls);
  }

  /**
   * The global phase of the two-phase plan: a keyed operator over the local phase's partial rows (the
   * group columns, then an accumulator), merging them into each group's state and emitting what this
   * operator emits.
   */
  public SqlOperator globalPhase() {
    requireMergeable();
    Schema partial = newLocalPhase().partialSchema();
    int keys = groupBy.length;
    GroupAggregate self = this;
    return new SqlOperator() {
      @Override
      public Schema inputSchema() {
        return partial;
      }

      @Override
      public Schema outputSchema() {
        return self.outputSchema();
      }

      @Override
      public int[] keyColumns() {
        int[] k = new int[keys];
        for (int i = 0; i < keys; i++) {
          k[i] = i;
        }
        return k;
      }

      @Override
      public KeyedProcessFunction<Row, Row, Row> newFunction(Config config) {
        SqlOptions.check(config);
        return function(config, null, 1, keys);
      }
    };
  }

  private void requireMergeable() {
    if (!mergeable()) {
      throw new IllegalStateException(
          "a two-phase aggregate needs accumulators that merge: no DISTINCT, no MIN/MAX over an input that retracts ("
              + calls + ")");
    }
  }

  /** Builds a {@link GroupAggregate}. */
  public static final class Builder {
    private final Schema input;
    private final List<Integer> groupBy = new ArrayList<>();
    private final List<AggregateCall> calls = new ArrayList<>();
    private boolean retractingInput = true;

    private Builder(Schema input) {
      this.input = input;
    }

    /** Groups by these columns (none: one group over all rows). */
    public Builder groupBy(String... columns) {
      for (String c : columns) {
        groupBy.add(input.indexOf(c));
      }
      return this;
    }

    public Builder aggregate(AggregateCall... calls) {
      this.calls.addAll(List.of(calls));
      return this;
    }

    /**
     * Declares that the input holds only {@code +I} rows, so {@code MIN}/{@code MAX} keep no value
     * counts; a retraction then fails the operator.
     */
    public Builder insertOnlyInput() {
      this.retractingInput = false;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming a column that does not exist or an aggregate that does
     *     not apply to its column
     */
    public GroupAggregate build() {
      if (calls.isEmpty()) {
        throw new IllegalArgumentException("a group aggregate needs at least one aggregate");
      }
      return new GroupAggregate(
          input, groupBy.stream().mapToInt(Integer::intValue).toArray(), calls, retractingInput);
    }
  }
}
