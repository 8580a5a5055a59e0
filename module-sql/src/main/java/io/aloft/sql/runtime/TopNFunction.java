package io.aloft.sql.runtime;

import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.sql.Row;
import io.aloft.sql.RowKind;
import io.aloft.sql.RowSerializer;
import io.aloft.sql.Schema;
import io.aloft.sql.TopN;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Append-only Top-N's function, async or sync by its {@link StateAccess}. State: {@code top}, a {@code
 * ValueState} of the key's best {@code N} rows in rank order. With an insert-only input a row that
 * left the top N never comes back, so nothing else is kept.
 */
public final class TopNFunction extends KeyedProcessFunction<Row, Row, Row> {

  private final Schema input;
  private final Comparator<Row> order;
  private final int n;
  private final boolean rankNumber;
  private final StateAccess access;
  private final Duration ttl;
  private transient ValueState<List<Row>> top;

  public TopNFunction(
      Schema input, List<TopN.Order> orderBy, int n, boolean rankNumber, StateAccess access, Duration ttl) {
    this.input = input;
    this.order = comparator(orderBy);
    this.n = n;
    this.rankNumber = rankNumber;
    this.access = access;
    this.ttl = ttl;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Comparator<Row> comparator(List<TopN.Order> orderBy) {
    return (a, b) -> {
      for (TopN.Order o : orderBy) {
        Object x = a.get(o.column());
        Object y = b.get(o.column());
        int c;
        if (x == null || y == null) {
          c = x == y ? 0 : x == null ? -1 : 1; // NULL lowest: first ascending, last descending
        } else {
          c = ((Comparable) x).compareTo(y);
        }
        if (c != 0) {
          return o.ascending() ? c : -c;
        }
      }
      return 0;
    };
  }

  @Override
  public void open(StateContext context) {
    top =
        context.getState(
            Ttl.expiring(new ValueStateDescriptor<>("top", Serializers.list(new RowSerializer(input))), ttl));
  }

  @Override
  public void processElement(Row row, Context<Row> context, Collector<Row> out) {
    if (row.kind() != RowKind.INSERT) {
      throw new IllegalStateException("an append-only Top-N takes insert-only input, received " + row);
    }
    access.value(top).thenAccept(kept -> insert(kept == null ? List.of() : kept, row, out));
  }

  private void insert(List<Row> before, Row row, Collector<Row> out) {
    int at = 0;
    while (at < before.size() && order.compare(before.get(at), row) <= 0) {
      at++; // equal sort keys: the earlier row ranks first
    }
    if (at >= n) {
      return; // not among the best n
    }
    List<Row> after = new ArrayList<>(before);
    after.add(at, row);
    if (rankNumber) {
      for (int rank = at; rank < Math.min(after.size(), n); rank++) {
        Row now = withRank(after.get(rank), rank + 1, RowKind.UPDATE_AFTER);
        if (rank < before.size()) {
          out.collect(withRank(before.get(rank), rank + 1, RowKind.UPDATE_BEFORE));
          out.collect(now);
        } else {
          out.collect(now.withKind(RowKind.INSERT));
        }
      }
    } else {
      if (after.size() > n) {
        out.collect(after.get(n).withKind(RowKind.DELETE));
      }
      out.collect(row);
    }
    if (after.size() > n) {
      after.remove(n);
    }
    access.update(top, after);
  }

  private static Row withRank(Row row, long rank, RowKind kind) {
    return row.concat(Row.of(rank)).withKind(kind);
  }
}
