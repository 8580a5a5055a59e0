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
import io.aloft.state.StateFuture;
import io.aloft.state.StateFutures;
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
 * is known when the current one is taken back. For a DISTINCT aggregate, {@code distinct-<i>}: a {@code
 * MapState} from each distinct value to how many rows hold it; the value counts in the aggregate while
 * that is above zero.
 */
public final class GroupAggFunction extends KeyedProcessFunction<Row, Row, Row> {

  private final Aggregates aggregates;
  private final boolean retractingInput;
  private final StateAccess access;
  private final Duration ttl;
  private final Duration miniBatchLatency; // null: no mini-batch
  private final int miniBatchSize;
  private final int partialKeyArity; // -1: input rows; else the global phase of a two-phase aggregate

  private transient ValueState<Row> acc;
  private transient MiniBatch miniBatch;
  private transient List<MapState<Row, Long>> valueCounts;
  private transient List<MapState<Row, Long>> distinctCounts;

  /**
   * @param miniBatchLatency how long a row may wait in the mini-batch buffer, or null for no mini-batch
   * @param miniBatchSize rows buffered before a flush
   * @param partialKeyArity -1 for input rows; for the global phase of a two-phase aggregate, the number
   *     of group columns that lead each partial row ({@link LocalAggregator}), whose accumulator it
   *     merges
   */
  public GroupAggFunction(
      Schema input,
      List<AggregateCall> calls,
      boolean retractingInput,
      StateAccess access,
      Duration ttl,
      Duration miniBatchLatency,
      int miniBatchSize,
      int partialKeyArity) {
    this.partialKeyArity = partialKeyArity;
    this.aggregates = new Aggregates(input, calls);
    this.retractingInput = retractingInput;
    this.access = access;
    this.ttl = ttl;
    this.miniBatchLatency = miniBatchLatency;
    this.miniBatchSize = miniBatchSize;
  }

  @Override
  public void open(StateContext context) {
    miniBatch = miniBatchLatency == null ? null : new MiniBatch();
    ValueStateDescriptor<Row> accDescriptor =
        new ValueStateDescriptor<>("acc", new RowSerializer(aggregates.schema()));
    Ttl.expiring(accDescriptor, ttl);
    acc = context.getState(accDescriptor);
    valueCounts = new ArrayList<>();
    distinctCounts = new ArrayList<>();
    for (int i = 0; i < aggregates.size(); i++) {
      if (aggregates.isDistinct(i)) {
        MapStateDescriptor<Row, Long> d =
            new MapStateDescriptor<>(
                "distinct-" + i,
                new RowSerializer(Schema.builder().column("v", aggregates.inputType(i)).build()),
                Serializers.LONG);
        Ttl.expiring(d, ttl);
        distinctCounts.add(context.getMapState(d));
      } else {
        distinctCounts.add(null);
      }
      if (retractingInput && aggregates.isMinOrMax(i)) {
        MapStateDescriptor<Row, Long> d =
            new MapStateDescriptor<>(
                "values-" + i,
                new RowSerializer(Schema.builder().column("v", aggregates.inputType(i)).build()),
                Serializers.LONG);
        Ttl.expiring(d, ttl);
        valueCounts.add(context.getMapState(d));
      } else {
        valueCounts.add(null);
      }
    }
  }

  @Override
  public void processElement(Row row, Context<Row> context, Collector<Row> out) {
    Row key = context.currentKey();
    if (miniBatch != null) {
      miniBatch.add(key, row, context, out);
      return;
    }
    applyBatch(key, List.of(row), out);
  }

  /**
   * A key's rows (one, or a mini-batch's): one state read, the rows in order, one write, the net
   * change.
   */
  private void applyBatch(Row key, List<Row> rows, Collector<Row> out) {
    access
        .value(acc)
        .thenCompose(
            current -> {
              Object[] a = current == null ? aggregates.initial() : current.values();
              Row before = current == null ? null : result(key, a);
              StateFuture<Void> chain = StateFutures.completedVoidFuture();
              for (Row row : rows) {
                chain = chain.thenCompose(done -> applyRow(a, row));
              }
              return chain.thenAccept(done -> finish(key, before, a, out));
            });
  }

  @Override
  public void onTimer(long timestamp, Context<Row> context, Collector<Row> out) {
    if (miniBatch != null) {
      miniBatch.flush(context, out);
    }
  }

  @Override
  public void beforeWatermark(long watermark, Context<Row> context, Collector<Row> out) {
    if (miniBatch != null) {
      miniBatch.flush(context, out);
    }
  }

  @Override
  public void beforeCheckpoint(long checkpointId, Context<Row> context, Collector<Row> out) {
    if (miniBatch != null) {
      miniBatch.flush(context, out); // buffered rows are in no state yet: they must be before the cut
    }
  }

  /** Counts {@code row} in or out of the accumulator {@code a} (and the value counts). */
  private StateFuture<Void> applyRow(Object[] a, Row row) {
    if (partialKeyArity >= 0) {
      Object[] values = row.values();
      aggregates.merge(a, java.util.Arrays.copyOfRange(values, partialKeyArity, values.length));
      return StateFutures.completedVoidFuture();
    }
    boolean add = row.kind().isAccumulate();
    if (!add && !retractingInput) {
      throw new IllegalStateException(
          "a group aggregate over an input declared insert-only received " + row);
    }
    if (Aggregates.rows(a) <= 0 && !add) {
      return StateFutures.completedVoidFuture(); // a retraction of nothing counted: ignored, as in Flink
    }
    aggregates.accumulate(a, row, add ? 1 : -1);
    List<StateFuture<Void>> pending = new ArrayList<>();
    for (int i = 0; i < aggregates.size(); i++) {
      Object v = aggregates.input(i, row);
      if (distinctCounts.get(i) != null && v != null) {
        pending.add(countDistinct(distinctCounts.get(i), i, a, v, add));
      }
      if (valueCounts.get(i) != null && v != null) {
        pending.add(countValue(valueCounts.get(i), aggregates.isMin(i), a, aggregates.offset(i), v, add));
      }
    }
    return pending.isEmpty()
        ? StateFutures.completedVoidFuture()
        : StateFutures.combineAll(pending).thenApply(done -> null);
  }

  /** Counts {@code v}'s row in or out; the value counts in call {@code i} while it has rows. */
  private StateFuture<Void> countDistinct(MapState<Row, Long> counts, int i, Object[] a, Object v, boolean add) {
    Row value = Row.of(v);
    return access
        .get(counts, value)
        .thenAccept(
            count -> {
              long before = count == null ? 0 : count;
              long n = before + (add ? 1 : -1);
              if (n > 0) {
                access.put(counts, value, n);
              } else {
                access.remove(counts, value);
              }
              if (add && before == 0) {
                aggregates.accumulate(a, i, v, 1); // a value new to the group
              } else if (!add && before > 0 && n == 0) {
                aggregates.accumulate(a, i, v, -1); // its last row went
              }
            });
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

  /** Writes the accumulator back and emits the change from {@code before} (null: no result yet). */
  private void finish(Row key, Row before, Object[] a, Collector<Row> out) {
    if (Aggregates.rows(a) <= 0) {
      if (before == null) {
        return; // nothing was counted and nothing is
      }
      out.collect(before.withKind(RowKind.DELETE));
      access.clear(acc);
      for (List<MapState<Row, Long>> states : List.of(valueCounts, distinctCounts)) {
        for (MapState<Row, Long> counts : states) {
          if (counts != null) {
            access.clear(counts);
          }
        }
      }
      return;
    }
    Row after = result(key, a);
    access.update(acc, Row.of(a));
    if (before == null) {
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

  /**
   * The mini-batch buffer: rows per key in arrival order, applied when {@code
   * table.exec.mini-batch.size} rows wait, when the oldest has waited {@code allow-latency} (a
   * processing-time timer), and before every watermark and checkpoint.
   */
  private final class MiniBatch {
    private Map<Row, List<Row>> rows = new java.util.LinkedHashMap<>();
    private int buffered;
    private boolean timerSet;

    void add(Row key, Row row, Context<Row> context, Collector<Row> out) {
      rows.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
      buffered++;
      if (!timerSet) {
        timerSet = true;
        context.timerService().registerProcessingTimeTimer(context.timerService().currentProcessingTime() + miniBatchLatency.toMillis());
      }
      if (buffered >= miniBatchSize) {
        flush(context, out);
      }
    }

    void flush(Context<Row> context, Collector<Row> out) {
      if (buffered == 0) {
        return;
      }
      Map<Row, List<Row>> batch = rows;
      rows = new java.util.LinkedHashMap<>();
      buffered = 0;
      timerSet = false; // a timer still set fires later and flushes whatever waits then
      batch.forEach((key, keyRows) -> context.processWithKey(key, keyContext -> applyBatch(key, keyRows, out)));
    }
  }
}
