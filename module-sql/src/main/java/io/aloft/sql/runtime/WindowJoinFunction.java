package io.aloft.sql.runtime;

import io.aloft.process.Collector;
import io.aloft.process.KeyedCoProcessFunction;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.NamespacedTimers;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.sql.JoinType;
import io.aloft.sql.Row;
import io.aloft.sql.RowKind;
import io.aloft.sql.RowSerializer;
import io.aloft.sql.Schema;
import io.aloft.sql.Window;
import io.aloft.state.ListState;
import io.aloft.state.ListStateDescriptor;
import io.aloft.state.NamespacedState;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The window join's function, async or sync by its {@link StateAccess}. State: {@code left} and {@code
 * right}, {@code ListState}s of each side's rows per key and window (namespace: the window's end, epoch
 * milliseconds); an event-time timer per window for its last millisecond.
 */
public final class WindowJoinFunction extends KeyedCoProcessFunction<Row, Row, Row, Row> {

  private final JoinType type;
  private final Schema left;
  private final Schema right;
  private final Window window;
  private final StateAccess access;
  private final AtomicLong lateRecords;

  private transient NamespacedState<Long, ListState<Row>> leftRows;
  private transient NamespacedState<Long, ListState<Row>> rightRows;
  private transient NamespacedTimers<Long> timers;

  public WindowJoinFunction(
      JoinType type, Schema left, Schema right, Window window, StateAccess access, AtomicLong lateRecords) {
    this.type = type;
    this.left = left;
    this.right = right;
    this.window = window;
    this.access = access;
    this.lateRecords = lateRecords;
  }

  @Override
  public void open(StateContext context) {
    leftRows = context.getListState(new ListStateDescriptor<>("left", new RowSerializer(left)), Serializers.LONG);
    rightRows = context.getListState(new ListStateDescriptor<>("right", new RowSerializer(right)), Serializers.LONG);
    timers = context.getTimers(Serializers.LONG);
  }

  @Override
  public void processElement1(Row row, KeyedProcessFunction.Context<Row> context, Collector<Row> out) {
    add(row, left.rowtimeIndex(), leftRows, context);
  }

  @Override
  public void processElement2(Row row, KeyedProcessFunction.Context<Row> context, Collector<Row> out) {
    add(row, right.rowtimeIndex(), rightRows, context);
  }

  private void add(Row row, int rowtime, NamespacedState<Long, ListState<Row>> rows, KeyedProcessFunction.Context<Row> context) {
    if (row.kind() != RowKind.INSERT) {
      throw new IllegalStateException("a window join takes insert-only input, received " + row);
    }
    LocalDateTime time = (LocalDateTime) row.get(rowtime);
    if (time == null) {
      throw new IllegalStateException("a NULL event time in " + row);
    }
    long watermark = context.timerService().currentWatermark();
    boolean joinedAny = false;
    for (long end : window.windowEnds(window.sliceEnd(WindowAggFunction.millis(time)))) {
      if (end - 1 <= watermark) {
        continue; // that window has fired
      }
      joinedAny = true;
      access.add(rows.in(end), row);
      timers.registerEventTimeTimer(end, end - 1);
    }
    if (!joinedAny) {
      lateRecords.incrementAndGet();
    }
  }

  @Override
  public void onTimer(long timestamp, KeyedProcessFunction.Context<Row> context, Collector<Row> out) {
    long end = context.<Long>timerNamespace();
    Row key = context.currentKey();
    Row bounds =
        Row.of(
            WindowAggFunction.timestamp(window.windowStart(end)), WindowAggFunction.timestamp(end));
    ListState<Row> ls = leftRows.in(end);
    ListState<Row> rs = rightRows.in(end);
    access
        .elements(ls)
        .thenCombine(
            access.elements(rs),
            (l, r) -> {
              join(key, l, r, bounds, out);
              access.clear(ls);
              access.clear(rs);
              return null;
            });
  }

  private void join(Row key, List<Row> l, List<Row> r, Row bounds, Collector<Row> out) {
    boolean nullKey = JoinFunction.hasNull(key);
    boolean[] rightMatched = new boolean[r.size()];
    for (Row lr : l) {
      boolean matched = false;
      if (!nullKey) {
        for (int j = 0; j < r.size(); j++) {
          out.collect(lr.concat(r.get(j)).concat(bounds));
          rightMatched[j] = true;
          matched = true;
        }
      }
      if (!matched && type.leftOuter()) {
        out.collect(lr.concat(Row.of(new Object[right.size()])).concat(bounds));
      }
    }
    if (type.rightOuter()) {
      for (int j = 0; j < r.size(); j++) {
        if (!rightMatched[j]) {
          out.collect(Row.of(new Object[left.size()]).concat(r.get(j)).concat(bounds));
        }
      }
    }
  }
}
