package io.aloft.sql.runtime;

import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.sql.AggregateCall;
import io.aloft.sql.Row;
import io.aloft.sql.RowKind;
import io.aloft.sql.RowSerializer;
import io.aloft.sql.Schema;
import io.aloft.sql.SqlType;
import io.aloft.state.MapState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.StateDescriptor;
import io.aloft.state.StateFuture;
import io.aloft.state.StateFutures;
import io.aloft.state.StateTtlConfig;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The group aggregate's function, async or sync by its {@link StateAccess}.
 *
 * <p>State: {@code acc}, a {@code ValueState} of the group's accumulator row — the number of rows
 * counted, then per aggregate: {@code COUNT}/{@code COUNT(*)} a count; {@code SUM}/{@code AVG} a sum
 * and the number of non-NULL values; {@code MIN}/{@code MAX} the current extreme and the number of
 * non-NULL values. With an input that retracts, {@code values-<i>} for the i-th aggregate if it is a
 * {@code MIN}/{@code MAX}: a {@code MapState} from each distinct value to how many rows hold it.
 */
public final class GroupAggFunction extends KeyedProcessFunction<Row, Row, Row> {

  private final Schema input;
  private final List<AggregateCall> calls;
  private final int[] columns;
  private final int[] offsets; // each call's first field in the accumulator
  private final SqlType[] inputTypes;
  private final boolean retractingInput;
  private final StateAccess access;
  private final Duration ttl;
  private final Schema accSchema;

  private transient ValueState<Row> acc;
  private transient List<MapState<Row, Long>> valueCounts;

  public GroupAggFunction(
      Schema input,
      Schema keySchema,
      List<AggregateCall> calls,
      int[] columns,
      boolean retractingInput,
      StateAccess access,
      Duration ttl) {
    this.input = input;
    this.calls = List.copyOf(calls);
    this.columns = columns;
    this.retractingInput = retractingInput;
    this.access = access;
    this.ttl = ttl;
    this.offsets = new int[calls.size()];
    this.inputTypes = new SqlType[calls.size()];
    Schema.Builder accumulator = Schema.builder().column("rows", SqlType.bigint().notNull());
    int next = 1;
    for (int i = 0; i < calls.size(); i++) {
      offsets[i] = next;
      SqlType in = columns[i] < 0 ? SqlType.bigint() : input.type(columns[i]);
      inputTypes[i] = in;
      switch (calls.get(i).function()) {
        case COUNT, COUNT_STAR -> {
          accumulator.column("c" + i, SqlType.bigint().notNull());
          next += 1;
        }
        case SUM, AVG, MIN, MAX -> {
          accumulator.column("v" + i, accumulatorType(calls.get(i).function(), in));
          accumulator.column("n" + i, SqlType.bigint().notNull());
          next += 2;
        }
      }
    }
    this.accSchema = accumulator.build();
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

  @Override
  public void open(StateContext context) {
    ValueStateDescriptor<Row> accDescriptor = new ValueStateDescriptor<>("acc", new RowSerializer(accSchema));
    withTtl(accDescriptor);
    acc = context.getState(accDescriptor);
    valueCounts = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      AggregateCall.Function f = calls.get(i).function();
      if (retractingInput && (f == AggregateCall.Function.MIN || f == AggregateCall.Function.MAX)) {
        MapStateDescriptor<Row, Long> d =
            new MapStateDescriptor<>(
                "values-" + i,
                new RowSerializer(Schema.builder().column("v", inputTypes[i]).build()),
                Serializers.LONG);
        withTtl(d);
        valueCounts.add(context.getMapState(d));
      } else {
        valueCounts.add(null);
      }
    }
  }

  private void withTtl(StateDescriptor<?> descriptor) {
    if (!ttl.isZero()) {
      descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl).build());
    }
  }

  @Override
  public void processElement(Row row, Context<Row> context, Collector<Row> out) {
    Row key = context.currentKey();
    access.value(acc).thenCompose(current -> apply(key, current, row, out));
  }

  private StateFuture<Void> apply(Row key, Row current, Row row, Collector<Row> out) {
    boolean add = row.kind().isAccumulate();
    if (!add && !retractingInput) {
      throw new IllegalStateException(
          "a group aggregate over an input declared insert-only received " + row);
    }
    if (current == null && !add) {
      return StateFutures.completedVoidFuture(); // a retraction of nothing counted: ignored, as in Flink
    }
    boolean first = current == null;
    Object[] a = first ? initial() : current.values();
    Row before = first ? null : result(key, a);
    int sign = add ? 1 : -1;
    a[0] = (Long) a[0] + sign;
    List<StateFuture<Void>> pending = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      int o = offsets[i];
      Object v = columns[i] < 0 ? null : row.get(columns[i]);
      switch (calls.get(i).function()) {
        case COUNT_STAR -> a[o] = (Long) a[o] + sign;
        case COUNT -> {
          if (v != null) {
            a[o] = (Long) a[o] + sign;
          }
        }
        case SUM, AVG -> {
          if (v != null) {
            a[o] = add ? plus(a[o], v) : minus(a[o], v);
            a[o + 1] = (Long) a[o + 1] + sign;
          }
        }
        case MIN, MAX -> {
          if (v != null) {
            a[o + 1] = (Long) a[o + 1] + sign;
            boolean min = calls.get(i).function() == AggregateCall.Function.MIN;
            MapState<Row, Long> counts = valueCounts.get(i);
            if (counts == null) {
              a[o] = extreme(min, a[o], v);
            } else {
              pending.add(countValue(counts, min, a, o, v, add));
            }
          }
        }
      }
    }
    if (pending.isEmpty()) {
      finish(key, first, before, a, out);
      return StateFutures.completedVoidFuture();
    }
    return StateFutures.combineAll(pending).thenAccept(done -> finish(key, first, before, a, out));
  }

  /** Counts {@code v} in or out of its MIN/MAX's value counts; finds the next extreme when needed. */
  private StateFuture<Void> countValue(
      MapState<Row, Long> counts, boolean min, Object[] a, int o, Object v, boolean add) {
    Row value = Row.of(v);
    return access
        .get(counts, value)
        .thenCompose(
            count -> {
              long n = (count == null ? 0 : count) + (add ? 1 : -1);
              if (n > 0) {
                access.put(counts, value, n);
              } else {
                access.remove(counts, value);
              }
              if (add) {
                a[o] = extreme(min, a[o], v);
              } else if (n <= 0 && v.equals(a[o])) {
                // The current extreme is gone: the next one is the extreme of the values left.
                return access
                    .entries(counts)
                    .thenAccept(
                        entries -> {
                          Object next = null;
                          for (Map.Entry<Row, Long> e : entries) {
                            if (e.getValue() > 0 && !e.getKey().sameValues(value)) {
                              next = extreme(min, next, e.getKey().get(0));
                            }
                          }
                          a[o] = next;
                        });
              }
              return StateFutures.completedVoidFuture();
            });
  }

  private void finish(Row key, boolean first, Row before, Object[] a, Collector<Row> out) {
    if ((Long) a[0] <= 0) {
      if (!first) {
        out.collect(before.withKind(RowKind.DELETE));
      }
      access.clear(acc);
      for (MapState<Row, Long> counts : valueCounts) {
        if (counts != null) {
          access.clear(counts);
        }
      }
      return;
    }
    Row after = result(key, a);
    access.update(acc, Row.of(a));
    if (first) {
      out.collect(after);
    } else if (ttl.isZero() && after.sameValues(before)) {
      // unchanged: nothing to say (with a TTL Flink emits it anyway, so downstream state stays fresh)
    } else {
      out.collect(before.withKind(RowKind.UPDATE_BEFORE));
      out.collect(after.withKind(RowKind.UPDATE_AFTER));
    }
  }

  private Object[] initial() {
    Object[] a = new Object[accSchema.size()];
    a[0] = 0L;
    for (int i = 0; i < calls.size(); i++) {
      int o = offsets[i];
      switch (calls.get(i).function()) {
        case COUNT, COUNT_STAR -> a[o] = 0L;
        case SUM, AVG -> {
          a[o] = zero(accSchema.type(o));
          a[o + 1] = 0L;
        }
        case MIN, MAX -> a[o + 1] = 0L;
      }
    }
    return a;
  }

  private Row result(Row key, Object[] a) {
    Object[] r = new Object[key.arity() + calls.size()];
    for (int k = 0; k < key.arity(); k++) {
      r[k] = key.get(k);
    }
    for (int i = 0; i < calls.size(); i++) {
      int o = offsets[i];
      r[key.arity() + i] =
          switch (calls.get(i).function()) {
            case COUNT, COUNT_STAR -> a[o];
            case SUM, MIN, MAX -> (Long) a[o + 1] == 0 ? null : a[o];
            case AVG -> (Long) a[o + 1] == 0 ? null : average(inputTypes[i], a[o], (Long) a[o + 1]);
          };
    }
    return Row.of(r);
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

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object extreme(boolean min, Object current, Object v) {
    if (current == null) {
      return v;
    }
    int c = ((Comparable) v).compareTo(current);
    return (min ? c < 0 : c > 0) ? v : current;
  }
}
