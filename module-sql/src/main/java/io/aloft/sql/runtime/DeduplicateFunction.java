package io.aloft.sql.runtime;

import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.StateContext;
import io.aloft.sql.Row;
import io.aloft.sql.RowKind;
import io.aloft.sql.RowSerializer;
import io.aloft.sql.Schema;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.time.Duration;
import java.time.LocalDateTime;

/**
 * Row-time deduplication's function, async or sync by its {@link StateAccess}. State: {@code kept},
 * a {@code ValueState} of the key's kept row.
 */
public final class DeduplicateFunction extends KeyedProcessFunction<Row, Row, Row> {

  private final Schema input;
  private final int rowtime;
  private final boolean keepLast;
  private final StateAccess access;
  private final Duration ttl;
  private transient ValueState<Row> kept;

  public DeduplicateFunction(Schema input, boolean keepLast, StateAccess access, Duration ttl) {
    this.input = input;
    this.rowtime = input.rowtimeIndex();
    this.keepLast = keepLast;
    this.access = access;
    this.ttl = ttl;
  }

  @Override
  public void open(StateContext context) {
    kept = context.getState(Ttl.expiring(new ValueStateDescriptor<>("kept", new RowSerializer(input)), ttl));
  }

  @Override
  public void processElement(Row row, Context<Row> context, Collector<Row> out) {
    if (row.kind() != RowKind.INSERT) {
      throw new IllegalStateException("row-time deduplication takes insert-only input, received " + row);
    }
    access
        .value(kept)
        .thenAccept(
            previous -> {
              if (replaces(previous, row)) {
                if (previous == null) {
                  out.collect(row);
                } else {
                  out.collect(previous.withKind(RowKind.UPDATE_BEFORE));
                  out.collect(row.withKind(RowKind.UPDATE_AFTER));
                }
                access.update(kept, row.withKind(RowKind.INSERT));
              }
            });
  }

  /** Keep last: a row at the same or a later time replaces; keep first: only an earlier one. */
  private boolean replaces(Row previous, Row row) {
    if (previous == null) {
      return true;
    }
    LocalDateTime was = (LocalDateTime) previous.get(rowtime);
    LocalDateTime now = (LocalDateTime) row.get(rowtime);
    if (now == null || was == null) {
      throw new IllegalStateException("a NULL event time in " + (now == null ? row : previous));
    }
    return keepLast ? !now.isBefore(was) : now.isBefore(was);
  }
}
