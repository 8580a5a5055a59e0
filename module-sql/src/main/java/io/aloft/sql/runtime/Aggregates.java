package io.aloft.sql.runtime;

import io.aloft.sql.AggregateCall;
import io.aloft.sql.Row;
import io.aloft.sql.Schema;
import io.aloft.sql.SqlType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The accumulator of a list of aggregate calls, shared by the group and window aggregates: its layout
 * (a row of {@link #schema()}), how a row is counted in or out, how two accumulators merge, and the
 * results.
 *
 * <p>Layout: field 0 counts the rows; then per call, {@code COUNT}/{@code COUNT(*)}: a count; {@code
 * SUM}/{@code AVG}: the sum and the number of non-NULL values; {@code MIN}/{@code MAX}: the extreme
 * and the number of non-NULL values.
 */
final class Aggregates {

  private final List<AggregateCall> calls;
  private final int[] columns; // -1 for COUNT(*)
  private final int[] offsets;
  private final SqlType[] inputTypes;
  private final Schema schema;

  Aggregates(Schema input, List<AggregateCall> calls) {
    this.calls = List.copyOf(calls);
    this.columns = new int[calls.size()];
    this.offsets = new int[calls.size()];
    this.inputTypes = new SqlType[calls.size()];
    Schema.Builder b = Schema.builder().column("rows", SqlType.bigint().notNull());
    int next = 1;
    for (int i = 0; i < calls.size(); i++) {
      AggregateCall call = calls.get(i);
      columns[i] = call.column() == null ? -1 : input.indexOf(call.column());
      inputTypes[i] = columns[i] < 0 ? SqlType.bigint() : input.type(columns[i]);
      offsets[i] = next;
      switch (call.function()) {
        case COUNT, COUNT_STAR -> {
          b.column("c" + i, SqlType.bigint().notNull());
          next += 1;
        }
        case SUM, AVG, MIN, MAX -> {
          b.column("v" + i, accumulatorType(call.function(), inputTypes[i]));
          b.column("n" + i, SqlType.bigint().notNull());
          next += 2;
        }
      }
    }
    this.schema = b.build();
  }

  /** The type a SUM/AVG adds in, or the type MIN/MAX keep. */
  private static SqlType accumulatorType(AggregateCall.Function function, SqlType in) {
    if (function == AggregateCall.Function.MIN || function == AggregateCall.Function.MAX) {
      return in.nullable();
    }
    return switch (in.kind()) {
      case INT -> function == AggregateCall.Function.SUM ? SqlType.integer() : SqlType.bigint();
      case DECIMAL -> SqlType.decimal(38, in.scale());
      default -> in.nullable();
    };
  }

  Schema schema() {
    return schema;
  }

  int size() {
    return calls.size();
  }

  AggregateCall call(int i) {
    return calls.get(i);
  }

  SqlType inputType(int i) {
    return inputTypes[i];
  }

  /** Where call {@code i}'s value (its extreme, for MIN/MAX) sits in the accumulator. */
  int offset(int i) {
    return offsets[i];
  }

  /** Call {@code i}'s input value in {@code row} (null for COUNT(*)). */
  Object input(int i, Row row) {
    return columns[i] < 0 ? null : row.get(columns[i]);
  }

  boolean isMinOrMax(int i) {
    AggregateCall.Function f = calls.get(i).function();
    return f == AggregateCall.Function.MIN || f == AggregateCall.Function.MAX;
  }

  boolean isMin(int i) {
    return calls.get(i).function() == AggregateCall.Function.MIN;
  }

  /** An accumulator over no rows. */
  Object[] initial() {
    Object[] a = new Object[schema.size()];
    a[0] = 0L;
    for (int i = 0; i < calls.size(); i++) {
      int o = offsets[i];
      switch (calls.get(i).function()) {
        case COUNT, COUNT_STAR -> a[o] = 0L;
        case SUM, AVG -> {
          a[o] = zero(schema.type(o));
          a[o + 1] = 0L;
        }
        case MIN, MAX -> a[o + 1] = 0L;
      }
    }
    return a;
  }

  /**
   * Counts {@code row} in ({@code sign} 1) or out (-1), except in the DISTINCT calls (the caller counts
   * a value in those when it is new to the group, and out when its last row goes: {@link #accumulate(
   * Object[], int, Object, int)}). A MIN/MAX's count changes either way, its extreme only when a row is
   * counted in: taking the extreme back is the caller's business (it needs the values left).
   */
  void accumulate(Object[] a, Row row, int sign) {
    a[0] = (Long) a[0] + sign;
    for (int i = 0; i < calls.size(); i++) {
      if (!calls.get(i).isDistinct()) {
        accumulate(a, i, input(i, row), sign);
      }
    }
  }

  boolean isDistinct(int i) {
    return calls.get(i).isDistinct();
  }

  /** Counts {@code v} in or out of call {@code i} alone. */
  void accumulate(Object[] a, int i, Object v, int sign) {
    {
      int o = offsets[i];
      switch (calls.get(i).function()) {
        case COUNT_STAR -> a[o] = (Long) a[o] + sign;
        case COUNT -> {
          if (v != null) {
            a[o] = (Long) a[o] + sign;
          }
        }
        case SUM, AVG -> {
          if (v != null) {
            a[o] = sign > 0 ? plus(a[o], v) : minus(a[o], v);
            a[o + 1] = (Long) a[o + 1] + sign;
          }
        }
        case MIN, MAX -> {
          if (v != null) {
            a[o + 1] = (Long) a[o + 1] + sign;
            if (sign > 0) {
              a[o] = extreme(isMin(i), a[o], v);
            }
          }
        }
      }
    }
  }

  /** {@code into} plus {@code other}: both accumulators of rows only counted in. */
  void merge(Object[] into, Object[] other) {
    into[0] = (Long) into[0] + (Long) other[0];
    for (int i = 0; i < calls.size(); i++) {
      int o = offsets[i];
      switch (calls.get(i).function()) {
        case COUNT, COUNT_STAR -> into[o] = (Long) into[o] + (Long) other[o];
        case SUM, AVG -> {
          into[o] = plus(into[o], other[o]);
          into[o + 1] = (Long) into[o + 1] + (Long) other[o + 1];
        }
        case MIN, MAX -> {
          if (other[o] != null) {
            into[o] = extreme(isMin(i), into[o], other[o]);
          }
          into[o + 1] = (Long) into[o + 1] + (Long) other[o + 1];
        }
      }
    }
  }

  /** The number of rows counted. */
  static long rows(Object[] a) {
    return (Long) a[0];
  }

  /** The calls' results, in order. */
  Object[] results(Object[] a) {
    Object[] r = new Object[calls.size()];
    for (int i = 0; i < calls.size(); i++) {
      int o = offsets[i];
      r[i] =
          switch (calls.get(i).function()) {
            case COUNT, COUNT_STAR -> a[o];
            case SUM, MIN, MAX -> (Long) a[o + 1] == 0 ? null : a[o];
            case AVG -> (Long) a[o + 1] == 0 ? null : average(inputTypes[i], a[o], (Long) a[o + 1]);
          };
    }
    return r;
  }

  private static Object zero(SqlType type) {
    return switch (type.kind()) {
      case INT -> 0;
      case BIGINT -> 0L;
      case DOUBLE -> 0.0;
      case DECIMAL -> BigDecimal.ZERO.setScale(type.scale());
      default -> throw new IllegalArgumentException("no sum of " + type);
    };
  }

  private static Object plus(Object sum, Object v) {
    if (sum instanceof Integer s) {
      return s + (Integer) v;
    } else if (sum instanceof Long s) {
      return s + ((Number) v).longValue();
    } else if (sum instanceof Double s) {
      return s + (Double) v;
    }
    return ((BigDecimal) sum).add((BigDecimal) v);
  }

  private static Object minus(Object sum, Object v) {
    if (sum instanceof Integer s) {
      return s - (Integer) v;
    } else if (sum instanceof Long s) {
      return s - ((Number) v).longValue();
    } else if (sum instanceof Double s) {
      return s - (Double) v;
    }
    return ((BigDecimal) sum).subtract((BigDecimal) v);
  }

  private static Object average(SqlType in, Object sum, long count) {
    return switch (in.kind()) {
      case INT -> (int) ((Long) sum / count);
      case BIGINT -> (Long) sum / count;
      case DOUBLE -> (Double) sum / count;
      case DECIMAL ->
          ((BigDecimal) sum).divide(BigDecimal.valueOf(count), Math.max(in.scale(), 6), RoundingMode.HALF_UP);
      default -> throw new IllegalArgumentException("no average of " + in);
    };
  }

  /** The smaller (MIN) or larger (MAX) of {@code current} (null: none yet) and {@code v}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Object extreme(boolean min, Object current, Object v) {
    if (current == null) {
      return v;
    }
    int c = ((Comparable) v).compareTo(current);
    return (min ? c < 0 : c > 0) ? v : current;
  }
}
