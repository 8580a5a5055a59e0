package io.aloft.sql.runtime;

import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.NamespacedTimers;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.sql.AggregateCall;
import io.aloft.sql.Row;
import io.aloft.sql.RowKind;
import io.aloft.sql.RowSerializer;
import io.aloft.sql.Schema;
import io.aloft.sql.Window;
import io.aloft.state.NamespacedState;
import io.aloft.state.StateFuture;
import io.aloft.state.StateFutures;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The window aggregate's function, async or sync by its {@link StateAccess}. State: {@code slice}, a
 * {@code ValueState} of the accumulator ({@link Aggregates}) per key and slice, namespaced by the
 * slice's end (epoch milliseconds); an event-time timer per window, namespaced by the window's end and
 * set for its last millisecond.
 */
public final class WindowAggFunction extends KeyedProcessFunction<Row, Row, Row> {

  private final Aggregates aggregates;
  private final int rowtime;
  private final Window window;
  private final StateAccess access;
  private final AtomicLong lateRecords;

  private transient NamespacedState<Long, ValueState<Row>> slices;
  private transient NamespacedTimers<Long> timers;

  public WindowAggFunction(
      Schema input,
      Window window,
      List<AggregateCall> calls,
      StateAccess access,
      AtomicLong lateRecords) {
    this.aggregates = new Aggregates(input, calls);
    this.rowtime = input.rowtimeIndex();
    this.window = window;
    this.access = access;
    this.lateRecords = lateRecords;
  }

  @Override
  public void open(StateContext context) {
    slices =
        context.getState(
            new ValueStateDescriptor<>("slice", new RowSerializer(aggregates.schema())), Serializers.LONG);
    timers = context.getTimers(Serializers.LONG);
  }

  static long millis(LocalDateTime t) {
    return t.toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  static LocalDateTime timestamp(long millis) {
    return LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  @Override
  public void processElement(Row row, Context<Row> context, Collector<Row> out) {
    if (row.kind() != RowKind.INSERT) {
      throw new IllegalStateException("a window aggregate takes insert-only input, received " + row);
    }
    LocalDateTime time = (LocalDateTime) row.get(rowtime);
    if (time == null) {
      throw new IllegalStateException("a NULL event time in " + row);
    }
    long sliceEnd = window.sliceEnd(millis(time));
    if (sliceEnd - 1 <= context.timerService().currentWatermark()) {
      lateRecords.incrementAndGet();
      return;
    }
    ValueState<Row> state = slices.in(sliceEnd);
    access
        .value(state)
        .thenAccept(
            current -> {
              Object[] a = current == null ? aggregates.initial() : current.values();
              aggregates.accumulate(a, row, 1);
              access.update(state, Row.of(a));
            });
    for (long end : window.windowEnds(sliceEnd)) {
      timers.registerEventTimeTimer(end, end - 1);
    }
  }

  @Override
  public void onTimer(long timestamp, Context<Row> context, Collector<Row> out) {
    long end = context.<Long>timerNamespace();
    long start = window.windowStart(end);
    Row key = context.currentKey();
    List<StateFuture<Row>> reads = new ArrayList<>();
    List<Long> sliceEnds = new ArrayList<>();
    for (long s = start + window.sliceSize(); s <= end; s += window.sliceSize()) {
      reads.add(access.value(slices.in(s)));
      sliceEnds.add(s);
    }
    StateFutures.combineAll(reads)
        .thenAccept(
            accumulators -> {
              fire(key, start, end, accumulators, out);
              // Slices no later window reads: all of a tumbling window, the first of a hopping one
              // (later windows start later), all of a cumulating period once its last window fired.
              switch (window.kind()) {
                case TUMBLE -> access.clear(slices.in(end));
                case HOP -> access.clear(slices.in(start + window.sliceSize()));
                case CUMULATE -> {
                  if (end == start + window.size()) {
                    sliceEnds.forEach(s -> access.clear(slices.in(s)));
                  }
                }
              }
            });
  }

  private void fire(Row key, long start, long end, Collection<Row> accumulators, Collector<Row> out) {
    Object[] merged = aggregates.initial();
    for (Row a : accumulators) {
      if (a != null) {
        aggregates.merge(merged, a.values());
      }
    }
    if (Aggregates.rows(merged) > 0) {
      out.collect(
          key.concat(Row.of(timestamp(start), timestamp(end))).concat(Row.of(aggregates.results(merged))));
    }
  }
}
