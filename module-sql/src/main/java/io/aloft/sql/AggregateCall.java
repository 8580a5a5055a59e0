package io.aloft.sql;

import java.util.Locale;
import java.util.Objects;

/**
 * One aggregate of a {@link GroupAggregate}: {@code COUNT(x)}, {@code COUNT(*)}, {@code SUM(x)},
 * {@code MIN(x)}, {@code MAX(x)} or {@code AVG(x)}, and the name of its output column. All of them
 * take retractions ({@code -U}/{@code -D} input): {@code MIN} and {@code MAX} over an input that
 * retracts keep a count per distinct value in a {@code MapState}, so that the next value is known when
 * the current one is taken back.
 *
 * <p>Result types, as Flink's: {@code COUNT} is {@code BIGINT NOT NULL}; {@code SUM} of {@code INT},
 * {@code BIGINT}, {@code DOUBLE} is that type, of {@code DECIMAL(p, s)} it is {@code DECIMAL(38, s)};
 * {@code AVG} of an integer type is that type (the quotient truncated toward zero), of {@code DOUBLE}
 * {@code DOUBLE}, of {@code DECIMAL(p, s)} {@code DECIMAL(38, max(s, 6))} (rounded half-up); {@code MIN}
 * and {@code MAX} keep the column's type. Over no non-NULL value, all but {@code COUNT} are {@code
 * NULL}.
 */
public final class AggregateCall {

  /** The aggregate functions. */
  public enum Function {
    COUNT,
    COUNT_STAR,
    SUM,
    MIN,
    MAX,
    AVG
  }

  private final Function function;
  private final String column;
  private final String name;
  private final boolean distinct;

  private AggregateCall(Function function, String column, String name) {
    this(function, column, name, false);
  }

  private AggregateCall(Function function, String column, String name, boolean distinct) {
    this.function = function;
    this.column = column;
    this.name = name;
    this.distinct = distinct;
  }

  public static AggregateCall count(String column) {
    return new AggregateCall(Function.COUNT, Objects.requireNonNull(column), "count_" + column);
  }

  public static AggregateCall countStar() {
    return new AggregateCall(Function.COUNT_STAR, null, "count");
  }

  public static AggregateCall sum(String column) {
    return new AggregateCall(Function.SUM, Objects.requireNonNull(column), "sum_" + column);
  }

  public static AggregateCall min(String column) {
    return new AggregateCall(Function.MIN, Objects.requireNonNull(column), "min_" + column);
  }

  public static AggregateCall max(String column) {
    return new AggregateCall(Function.MAX, Objects.requireNonNull(column), "max_" + column);
  }

  public static AggregateCall avg(String column) {
    return new AggregateCall(Function.AVG, Objects.requireNonNull(column), "avg_" + column);
  }

  /** This aggregate with its output column named {@code name}. */
  public AggregateCall as(String name) {
    return new AggregateCall(function, column, Objects.requireNonNull(name), distinct);
  }

  /**
   * This aggregate over the column's distinct values: {@code COUNT(DISTINCT x)}, {@code SUM(DISTINCT
   * x)}, {@code AVG(DISTINCT x)} ({@code MIN} and {@code MAX} are the same either way). A group
   * aggregate keeps each distinct value's number of rows in a {@code MapState}, so values come and go
   * with retractions, on async state as on sync.
   *
   * @throws IllegalArgumentException for {@code COUNT(*)}
   */
  public AggregateCall distinct() {
    if (function == Function.COUNT_STAR) {
      throw new IllegalArgumentException("COUNT(DISTINCT *) is not SQL: count a column");
    }
    boolean matters = function != Function.MIN && function != Function.MAX;
    return new AggregateCall(function, column, name, matters);
  }

  /** Whether this aggregate counts each distinct value once. */
  public boolean isDistinct() {
    return distinct;
  }

  public Function function() {
    return function;
  }

  /** The input column, or null for {@code COUNT(*)}. */
  public String column() {
    return column;
  }

  /** The output column's name. */
  public String name() {
    return name;
  }

  /**
   * The result type over {@code input}'s rows: over the call's column, or {@code BIGINT NOT NULL} for
   * {@code COUNT(*)}.
   *
   * @throws IllegalArgumentException if the column does not exist or the function does not apply to it
   */
  public SqlType resultType(Schema input) {
    return resultType(column == null ? SqlType.bigint() : input.type(input.indexOf(column)));
  }

  /**
   * The result type over a column of {@code input}.
   *
   * @throws IllegalArgumentException if the function does not apply to that type
   */
  public SqlType resultType(SqlType input) {
    return switch (function) {
      case COUNT, COUNT_STAR -> SqlType.bigint().notNull();
      case MIN, MAX -> input.nullable();
      case SUM -> {
        requireNumeric(input);
        yield input.kind() == SqlType.Kind.DECIMAL ? SqlType.decimal(38, input.scale()) : input.nullable();
      }
      case AVG -> {
        requireNumeric(input);
        yield input.kind() == SqlType.Kind.DECIMAL
            ? SqlType.decimal(38, Math.max(input.scale(), 6))
            : input.nullable();
      }
    };
  }

  private void requireNumeric(SqlType input) {
    if (!input.isNumeric()) {
      throw new IllegalArgumentException(this + " over a column of type " + input + ": not a number");
    }
  }

  /** {@code SUM(price) AS total}. */
  @Override
  public String toString() {
    String call =
        function == Function.COUNT_STAR
            ? "COUNT(*)"
            : function.name().toUpperCase(Locale.ROOT) + "(" + (distinct ? "DISTINCT " : "") + column + ")";
    return call + " AS " + name;
  }
}
