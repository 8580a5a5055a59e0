package io.aloft.sql.runtime;

import io.aloft.sql.AggregateCall;
import io.aloft.sql.Row;
import io.aloft.sql.RowKind;
import io.aloft.sql.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local phase of a two-phase group aggregate: on the input's thread, before rows are routed to
 * their key's subtask, it folds each group's rows into a partial accumulator on the heap (rows counted
 * out as well as in); {@link #flush()} hands one partial row per group — the group columns, then the
 * accumulator fields ({@link Aggregates}) — to the global phase, which merges it into the group's
 * state. Only for aggregates whose accumulators merge: no DISTINCT, and no MIN/MAX over an input that
 * retracts.
 */
public final class LocalAggregator {

  private final Aggregates aggregates;
  private final int[] groupBy;
  private final Schema partialSchema;
  private final Map<Row, Object[]> partials = new LinkedHashMap<>();
  private int rows;

  public LocalAggregator(Schema input, int[] groupBy, List<AggregateCall> calls) {
    this.aggregates = new Aggregates(input, calls);
    this.groupBy = groupBy.clone();
    Schema.Builder b = Schema.builder();
    for (int g : groupBy) {
      b.column(input.column(g).name(), input.type(g));
    }
    for (Schema.Column c : aggregates.schema().columns()) {
      b.column("$" + c.name(), c.type());
    }
    this.partialSchema = b.build();
  }

  /** The group columns, then the accumulator's fields. */
  public Schema partialSchema() {
    return partialSchema;
  }

  /** Folds {@code row} (counted in, or out for {@code -U}/{@code -D}) into its group's partial. */
  public void add(Row row) {
    Row key = row.project(groupBy);
    Object[] a = partials.computeIfAbsent(key, k -> aggregates.initial());
    aggregates.accumulate(a, row, row.kind().isAccumulate() ? 1 : -1);
    rows++;
  }

  /** Rows folded in since the last flush. */
  public int buffered() {
    return rows;
  }

  /** One partial row per group folded since the last flush, in first-seen order; empties the buffer. */
  public List<Row> flush() {
    List<Row> out = new ArrayList<>(partials.size());
    partials.forEach((key, a) -> out.add(key.concat(Row.ofKind(RowKind.INSERT, a))));
    partials.clear();
    rows = 0;
    return out;
  }
}
