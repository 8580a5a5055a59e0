package io.aloft.sql;

import io.aloft.config.Config;
import io.aloft.process.KeyedCoProcessFunction;
import io.aloft.sql.runtime.StateAccess;
import io.aloft.sql.runtime.WindowJoinFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Flink's window join: two inputs put into the same windows ({@code TUMBLE}, {@code HOP} or {@code
 * CUMULATE} on each side's event-time attribute) and joined per window on equality keys, {@code INNER},
 * {@code LEFT}, {@code RIGHT} or {@code FULL}. Each side keeps its rows per key and window (a {@code
 * ListState}, namespace = the window's end); when the watermark passes a window's end the window's
 * rows are joined, emitted as {@code +I} (outer sides' unmatched rows padded with NULLs) and cleared.
 * Inputs are insert-only. A row whose window (every window, for hop and cumulate) already ended at the
 * watermark is late: dropped and counted in {@link #lateRecordsDropped()}; for hop and cumulate, a row
 * joins only the windows still open.
 *
 * <p>Output: the left columns, the right columns (renamed as {@link Join} does), then {@code
 * window_start} and {@code window_end}.
 */
public final class WindowJoin implements TwoInputSqlOperator {

  private final JoinType type;
  private final Schema left;
  private final Schema right;
  private final int[] leftKey;
  private final int[] rightKey;
  private final Window window;
  private final Schema output;
  private final AtomicLong lateRecords = new AtomicLong();

  private WindowJoin(JoinType type, Schema left, Schema right, int[] leftKey, int[] rightKey, Window window) {
    this.type = type;
    this.left = left;
    this.right = right;
    this.leftKey = leftKey;
    this.rightKey = rightKey;
    this.window = window;
    Schema joined = Join.joinedSchema(left, right, type.rightOuter(), type.leftOuter());
    Schema.Builder b = Schema.builder();
    joined.columns().forEach(c -> b.column(c.name(), c.type()));
    this.output =
        b.column("window_start", SqlType.timestamp().notNull())
            .column("window_end", SqlType.timestamp().notNull())
            .build();
  }

  /**
   * @throws IllegalArgumentException if either input has no event-time attribute
   */
  public static Builder builder(JoinType type, Schema left, Schema right) {
    for (Schema s : List.of(left, right)) {
      if (s.rowtimeIndex() < 0) {
        throw new IllegalArgumentException(
            "a window join needs an event-time attribute on both inputs; none in " + s);
      }
    }
    return new Builder(type, left, right);
  }

  public JoinType type() {
    return type;
  }

  public Window window() {
    return window;
  }

  @Override
  public Schema leftSchema() {
    return left;
  }

  @Override
  public Schema rightSchema() {
    return right;
  }

  @Override
  public Schema outputSchema() {
    return output;
  }

  @Override
  public int[] leftKeyColumns() {
    return leftKey.clone();
  }

  @Override
  public int[] rightKeyColumns() {
    return rightKey.clone();
  }

  /** Rows dropped as late by every function this operator made. */
  public long lateRecordsDropped() {
    return lateRecords.get();
  }

  @Override
  public KeyedCoProcessFunction<Row, Row, Row, Row> newFunction(Config config) {
    SqlOptions.check(config);
    return new WindowJoinFunction(
        type, left, right, window, StateAccess.of(config.get(SqlOptions.ASYNC_STATE_ENABLED)), lateRecords);
  }

  /** Builds a {@link WindowJoin}. */
  public static final class Builder {
    private final JoinType type;
    private final Schema left;
    private final Schema right;
    private final List<Integer> leftKey = new ArrayList<>();
    private final List<Integer> rightKey = new ArrayList<>();
    private Window window;

    private Builder(JoinType type, Schema left, Schema right) {
      this.type = type;
      this.left = left;
      this.right = right;
    }

    /** Adds {@code left.leftColumn = right.rightColumn}; see {@link Join.Builder#on}. */
    public Builder on(String leftColumn, String rightColumn) {
      int[] pair = Join.keyPair(left, right, leftColumn, rightColumn);
      leftKey.add(pair[0]);
      rightKey.add(pair[1]);
      return this;
    }

    public Builder window(Window window) {
      this.window = window;
      return this;
    }

    public WindowJoin build() {
      if (leftKey.isEmpty()) {
        throw new IllegalArgumentException("a window join needs at least one equality condition (on)");
      }
      if (window == null) {
        throw new IllegalArgumentException("a window join needs a window (TUMBLE, HOP or CUMULATE)");
      }
      return new WindowJoin(
          type,
          left,
          right,
          leftKey.stream().mapToInt(Integer::intValue).toArray(),
          rightKey.stream().mapToInt(Integer::intValue).toArray(),
          window);
    }
  }
}
