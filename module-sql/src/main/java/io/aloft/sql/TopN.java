package io.aloft.sql;

import io.aloft.config.Config;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.sql.runtime.StateAccess;
import io.aloft.sql.runtime.TopNFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * Append-only Top-N, Flink's {@code SELECT … FROM (SELECT …, ROW_NUMBER() OVER (PARTITION BY k ORDER
 * BY s) AS rn FROM t) WHERE rn <= N} over an insert-only input; Top-1 is {@code N = 1}. Keeps each
 * key's best {@code N} rows in order (rows with equal sort keys rank in arrival order, a later one
 * after an earlier one). Without the rank number, a row that enters emits {@code +I} and the row it
 * pushes out emits {@code -D}; with it ({@link Builder#withRankNumber()}, an {@code rn BIGINT} column
 * last), every rank whose row changes emits {@code -U}/{@code +U} (or {@code +I} for a rank filled
 * for the first time).
 *
 * <p>Sort order: {@code ASC} puts NULL first, {@code DESC} last, as Flink does.
 */
public final class TopN implements SqlOperator {

  /** One column of the sort key. */
  public record Order(int column, boolean ascending) {}

  private final Schema input;
  private final int[] partitionBy;
  private final List<Order> orderBy;
  private final int n;
  private final boolean rankNumber;
  private final Schema output;

  private TopN(Schema input, int[] partitionBy, List<Order> orderBy, int n, boolean rankNumber) {
    this.input = input;
    this.partitionBy = partitionBy;
    this.orderBy = List.copyOf(orderBy);
    this.n = n;
    this.rankNumber = rankNumber;
    if (rankNumber) {
      Schema.Builder b = Schema.builder();
      input.columns().forEach(c -> b.column(c.name(), c.type()));
      this.output = b.column("rn", SqlType.bigint().notNull()).build();
    } else {
      this.output = input;
    }
  }

  public static Builder builder(Schema input) {
    return new Builder(input);
  }

  @Override
  public Schema inputSchema() {
    return input;
  }

  /** The input's columns, then {@code rn} with the rank number. */
  @Override
  public Schema outputSchema() {
    return output;
  }

  @Override
  public int[] keyColumns() {
    return partitionBy.clone();
  }

  public List<Order> orderBy() {
    return orderBy;
  }

  public int n() {
    return n;
  }

  public boolean hasRankNumber() {
    return rankNumber;
  }

  @Override
  public KeyedProcessFunction<Row, Row, Row> newFunction(Config config) {
    SqlOptions.check(config);
    return new TopNFunction(
        input,
        orderBy,
        n,
        rankNumber,
        StateAccess.of(config.get(SqlOptions.ASYNC_STATE_ENABLED)),
        config.get(SqlOptions.STATE_TTL));
  }

  /** Builds a {@link TopN}. */
  public static final class Builder {
    private final Schema input;
    private int[] partitionBy = new int[0];
    private final List<Order> orderBy = new ArrayList<>();
    private int n = 1;
    private boolean rankNumber;

    private Builder(Schema input) {
      this.input = input;
    }

    public Builder partitionBy(String... columns) {
      partitionBy = input.indexesOf(columns);
      return this;
    }

    /** Sorts by {@code column} ascending, after the columns given before. */
    public Builder orderByAsc(String column) {
      orderBy.add(new Order(input.indexOf(column), true));
      return this;
    }

    /** Sorts by {@code column} descending, after the columns given before. */
    public Builder orderByDesc(String column) {
      orderBy.add(new Order(input.indexOf(column), false));
      return this;
    }

    /** Keeps the best {@code n} rows per key ({@code rn <= n}). */
    public Builder limit(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("a Top-N needs N >= 1, not " + n);
      }
      this.n = n;
      return this;
    }

    /** Emits the rank number as a last column {@code rn}. */
    public Builder withRankNumber() {
      this.rankNumber = true;
      return this;
    }

    public TopN build() {
      if (orderBy.isEmpty()) {
        throw new IllegalArgumentException("a Top-N needs an ORDER BY");
      }
      return new TopN(input, partitionBy.clone(), orderBy, n, rankNumber);
    }
  }
}
