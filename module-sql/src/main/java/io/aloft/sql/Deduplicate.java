package io.aloft.sql;

import io.aloft.config.Config;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.sql.runtime.DeduplicateFunction;
import io.aloft.sql.runtime.StateAccess;

/**
 * Row-time deduplication, Flink's {@code ROW_NUMBER() OVER (PARTITION BY k ORDER BY rowtime [DESC]) =
 * 1}: per key, the row with the latest event time (keep last) or the earliest (keep first). The
 * input is insert-only and has an event-time attribute. Keeps one row per key; emits {@code +I} for a
 * key's first row and {@code -U}/{@code +U} when a row replaces it (keep last: a row at the same or a
 * later time; keep first: a row at an earlier time, arriving out of order). Late rows are not dropped:
 * as in Flink, the kept row depends only on the rows' times.
 */
public final class Deduplicate implements SqlOperator {

  private final Schema input;
  private final int[] partitionBy;
  private final boolean keepLast;

  private Deduplicate(Schema input, int[] partitionBy, boolean keepLast) {
    this.input = input;
    this.partitionBy = partitionBy;
    this.keepLast = keepLast;
  }

  /**
   * Deduplicates rows of {@code input} by its event-time attribute.
   *
   * @throws IllegalArgumentException if {@code input} has no event-time attribute
   */
  public static Builder builder(Schema input) {
    if (input.rowtimeIndex() < 0) {
      throw new IllegalArgumentException(
          "row-time deduplication needs an event-time attribute (a TIMESTAMP(3) column with a"
              + " watermark) in " + input);
    }
    return new Builder(input);
  }

  @Override
  public Schema inputSchema() {
    return input;
  }

  /** The input's columns. */
  @Override
  public Schema outputSchema() {
    return input;
  }

  @Override
  public int[] keyColumns() {
    return partitionBy.clone();
  }

  /** Whether the latest row is kept (else the earliest). */
  public boolean keepsLastRow() {
    return keepLast;
  }

  @Override
  public KeyedProcessFunction<Row, Row, Row> newFunction(Config config) {
    SqlOptions.check(config);
    return new DeduplicateFunction(
        input,
        keepLast,
        StateAccess.of(config.get(SqlOptions.ASYNC_STATE_ENABLED)),
        config.get(SqlOptions.STATE_TTL));
  }

  /** Builds a {@link Deduplicate}. */
  public static final class Builder {
    private final Schema input;
    private int[] partitionBy = new int[0];
    private boolean keepLast = true;

    private Builder(Schema input) {
      this.input = input;
    }

    public Builder partitionBy(String... columns) {
      partitionBy = input.indexesOf(columns);
      return this;
    }

    /** Keeps each key's latest row (the default): {@code ORDER BY rowtime DESC}. */
    public Builder keepLastRow() {
      keepLast = true;
      return this;
    }

    /** Keeps each key's earliest row: {@code ORDER BY rowtime ASC}. */
    public Builder keepFirstRow() {
      keepLast = false;
      return this;
    }

    public Deduplicate build() {
      return new Deduplicate(input, partitionBy.clone(), keepLast);
    }
  }
}
