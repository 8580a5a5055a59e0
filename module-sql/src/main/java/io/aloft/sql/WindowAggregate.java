package io.aloft.sql;

import io.aloft.config.Config;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.sql.runtime.StateAccess;
import io.aloft.sql.runtime.WindowAggFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A window aggregate over Flink's window table functions: {@code SELECT k, window_start, window_end,
 * aggs FROM TABLE(TUMBLE|HOP|CUMULATE(TABLE t, DESCRIPTOR(ts), …)) GROUP BY k, window_start,
 * window_end}, on event time (the input's event-time attribute), over an insert-only input.
 *
 * <p>As Flink does, the operator cuts time into slices (tumble: the window; hop: the slide, which must
 * divide the size; cumulate: the step, which must divide the maximum size) and keeps one accumulator
 * per key and slice ({@code NamespacedState}, namespace = the slice's end); a window that fires merges
 * its slices, so hopping and cumulating windows share them. A window fires when the watermark passes
 * its end: it emits one {@code +I} row per key with rows in it, and the slices no later window needs
 * are cleared. A row whose slice ended at or before the watermark is late: dropped, and counted in
 * {@link #lateRecordsDropped()} (Flink's {@code numLateRecordsDropped}).
 *
 * <p>Output: the group columns, {@code window_start} and {@code window_end} ({@code TIMESTAMP(3) NOT
 * NULL}), then one column per aggregate. {@code table.exec.state.ttl} does not apply: window state
 * leaves when its windows fire, as in Flink.
 */
public final class WindowAggregate implements SqlOperator {

  private final Schema input;
  private final int[] groupBy;
  private final Window window;
  private final List<AggregateCall> calls;
  private final Schema output;
  private final AtomicLong lateRecords = new AtomicLong();

  private WindowAggregate(Schema input, int[] groupBy, Window window, List<AggregateCall> calls) {
    this.input = input;
    this.groupBy = groupBy;
    this.window = window;
    this.calls = List.copyOf(calls);
    Schema.Builder out = Schema.builder();
    for (int g : groupBy) {
      out.column(input.column(g).name(), input.type(g));
    }
    out.column("window_start", SqlType.timestamp().notNull());
    out.column("window_end", SqlType.timestamp().notNull());
    for (AggregateCall call : calls) {
      out.column(call.name(), call.resultType(input));
    }
    this.output = out.build();
  }

  /**
   * A window aggregate over rows of {@code input}.
   *
   * @throws IllegalArgumentException if {@code input} has no event-time attribute
   */
  public static Builder builder(Schema input) {
    if (input.rowtimeIndex() < 0) {
      throw new IllegalArgumentException(
          "a window aggregate needs an event-time attribute (a TIMESTAMP(3) column with a watermark) in "
              + input);
    }
    return new Builder(input);
  }

  @Override
  public Schema inputSchema() {
    return input;
  }

  @Override
  public Schema outputSchema() {
    return output;
  }

  @Override
  public int[] keyColumns() {
    return groupBy.clone();
  }

  public Window window() {
    return window;
  }

  /** Rows dropped as late by every function this operator made. */
  public long lateRecordsDropped() {
    return lateRecords.get();
  }

  @Override
  public KeyedProcessFunction<Row, Row, Row> newFunction(Config config) {
    SqlOptions.check(config);
    return new WindowAggFunction(
        input, window, calls, StateAccess.of(config.get(SqlOptions.ASYNC_STATE_ENABLED)), lateRecords);
  }

  /** Builds a {@link WindowAggregate}. */
  public static final class Builder {
    private final Schema input;
    private int[] groupBy = new int[0];
    private Window window;
    private final List<AggregateCall> calls = new ArrayList<>();

    private Builder(Schema input) {
      this.input = input;
    }

    public Builder groupBy(String... columns) {
      groupBy = input.indexesOf(columns);
      return this;
    }

    public Builder window(Window window) {
      this.window = window;
      return this;
    }

    public Builder aggregate(AggregateCall... calls) {
      this.calls.addAll(List.of(calls));
      return this;
    }

    public WindowAggregate build() {
      if (window == null) {
        throw new IllegalArgumentException("a window aggregate needs a window (TUMBLE, HOP or CUMULATE)");
      }
      if (calls.isEmpty()) {
        throw new IllegalArgumentException("a window aggregate needs at least one aggregate");
      }
      for (AggregateCall call : calls) {
        if (call.isDistinct()) {
          throw new IllegalArgumentException(call + ": DISTINCT aggregates are not supported in window aggregates yet");
        }
      }
      return new WindowAggregate(input, groupBy.clone(), window, calls);
    }
  }
}
