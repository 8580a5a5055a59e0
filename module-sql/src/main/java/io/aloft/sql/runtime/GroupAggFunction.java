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
import io.aloft.state.MapState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.StateDescriptor;
import io.aloft.state.StateFuture;
import io.aloft.state.StateFutures;
import io.aloft.state.StateTtlConfig;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The group aggregate's function, async or sync by its {@link StateAccess}.
 *
 * <p>State: {@code acc}, a {@code ValueState} of the group's accumulator row ({@link Aggregates}).
 * With an input that retracts, {@code values-<i>} for the i-th aggregate if it is a {@code MIN}/{@code
 * MAX}: a {@code MapState} from each distinct value to how many rows hold it, so that the next extreme
 * is known when the current one is taken back.
 */
public final class GroupAggFunction extends KeyedProcessFunction<Row, Row, Row> {

  private final Aggregates aggregates;
  private final boolean retractingInput;
  private final StateAccess access;
  private final Duration ttl;

  private transient ValueState<Row> acc;
  private transient List<MapState<Row, Long>> valueCounts;

  public GroupAggFunction(
      Schema input, List<AggregateCall> calls, boolean retractingInput, StateAccess access, Duration ttl) {
    this.aggregates = new Aggregates(input, calls);
    this.retractingInput = retractingInput;
    this.access = access;
    this.ttl = ttl;
  }

  @Override
  public void open(StateContext context) {
    ValueStateDescriptor<Row> accDescriptor =
        new ValueStateDescriptor<>("acc", new RowSerializer(aggregates.schema()));
    withTtl(accDescriptor);
    acc = context.getState(accDescriptor);
    valueCounts = new ArrayList<>();
    for (int i = 0; i < aggregates.size(); i++) {
      if (retractingInput && aggregates.isMinOrMax(i)) {
        MapStateDescriptor<Row, Long> d =
            new MapStateDescriptor<>(
                "values-" + i,
                new RowSerializer(Schema.builder().column("v", aggregates.inputType(i)).build()),
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
    Object[] a = first ? aggregates.initial() : current.values();
    Row before = first ? null : result(key, a);
    aggregates.accumulate(a, row, add ? 1 : -1);
    List<StateFuture<Void>> pending = new ArrayList<>();
    for (int i = 0; i < aggregates.size(); i++) {
      Object v = aggregates.input(i, row);
      if (valueCounts.get(i) != null && v != null) {
        pending.add(countValue(valueCounts.get(i), aggregates.isMin(i), a, aggregates.offset(i), v, add));
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
              if (!add && n <= 0 && v.equals(a[o])) {
                // The current extreme is gone: the next one is the extreme of the values left.
                return access
                    .entries(counts)
                    .thenAccept(
                        entries -> {
                          Object next = null;
                          for (Map.Entry<Row, Long> e : entries) {
                            if (e.getValue() > 0 && !e.getKey().sameValues(value)) {
                              next = Aggregates.extreme(min, next, e.getKey().get(0));
                            }
                          }
                          a[o] = next;
                        });
              }
              return StateFutures.completedVoidFuture();
            });
  }

  private void finish(Row key, boolean first, Row before, Object[] a, Collector<Row> out) {
    if (Aggregates.rows(a) <= 0) {
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

  private Row result(Row key, Object[] a) {
    return key.concat(Row.of(aggregates.results(a)));
  }
}
