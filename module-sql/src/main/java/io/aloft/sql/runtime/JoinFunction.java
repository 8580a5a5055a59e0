package io.aloft.sql.runtime;

import io.aloft.process.Collector;
import io.aloft.process.KeyedCoProcessFunction;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.StateContext;
import io.aloft.sql.JoinType;
import io.aloft.sql.Row;
import io.aloft.sql.RowKind;
import io.aloft.sql.RowSerializer;
import io.aloft.sql.Schema;
import io.aloft.sql.SqlType;
import io.aloft.state.MapState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.StateFuture;
import io.aloft.state.StateFutures;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The regular join's function, async or sync by its {@link StateAccess}. State per side ({@code
 * left-…}/{@code right-…}), each entry a row of the side's columns followed by two counts: how many
 * copies of the row there are, and (outer sides) how many rows of the other side it matches.
 *
 * <ul>
 *   <li>{@code <side>-row}: a {@code ValueState}, when the join key contains the side's unique key;
 *   <li>{@code <side>-by-unique-key}: a {@code MapState} from the unique key's columns;
 *   <li>{@code <side>-by-row}: a {@code MapState} from the whole row.
 * </ul>
 */
public final class JoinFunction extends KeyedCoProcessFunction<Row, Row, Row, Row> {

  /** How a side's rows are kept: by nothing (one per key), by a unique key, or by the whole row. */
  public record SideSpec(int[] uniqueKey, boolean uniquePerJoinKey) {
    /** The spec for a side joined on {@code joinKey} with {@code uniqueKey} (null: none known). */
    public static SideSpec of(int[] joinKey, int[] uniqueKey) {
      if (uniqueKey == null) {
        return new SideSpec(null, false);
      }
      boolean contained = Arrays.stream(uniqueKey).allMatch(u -> Arrays.stream(joinKey).anyMatch(j -> j == u));
      return new SideSpec(uniqueKey, contained);
    }
  }

  /** A row kept on a side: the row, its copies, and the other side's rows it matches. */
  private record Kept(Row row, long copies, long matches) {}

  private final JoinType type;
  private final Schema left;
  private final Schema right;
  private final SideSpec leftSpec;
  private final SideSpec rightSpec;
  private final StateAccess access;
  private final Duration ttl;

  private transient Side leftSide;
  private transient Side rightSide;

  public JoinFunction(
      JoinType type,
      Schema left,
      Schema right,
      SideSpec leftSpec,
      SideSpec rightSpec,
      StateAccess access,
      Duration ttl) {
    this.type = type;
    this.left = left;
    this.right = right;
    this.leftSpec = leftSpec;
    this.rightSpec = rightSpec;
    this.access = access;
    this.ttl = ttl;
  }

  @Override
  public void open(StateContext context) {
    leftSide = new Side("left", left, leftSpec, context);
    rightSide = new Side("right", right, rightSpec, context);
  }

  @Override
  public void processElement1(Row row, KeyedProcessFunction.Context<Row> context, Collector<Row> out) {
    process(row, true, context.currentKey(), out);
  }

  @Override
  public void processElement2(Row row, KeyedProcessFunction.Context<Row> context, Collector<Row> out) {
    process(row, false, context.currentKey(), out);
  }

  private void process(Row input, boolean fromLeft, Row key, Collector<Row> out) {
    Side self = fromLeft ? leftSide : rightSide;
    Side other = fromLeft ? rightSide : leftSide;
    boolean selfOuter = fromLeft ? type.leftOuter() : type.rightOuter();
    boolean otherOuter = fromLeft ? type.rightOuter() : type.leftOuter();
    boolean accumulate = input.kind().isAccumulate();
    Row row = input.withKind(RowKind.INSERT);
    StateFuture<List<Kept>> matches =
        hasNull(key) ? StateFutures.completedFuture(List.of()) : other.rows();
    matches.thenAccept(
        found -> {
          long matched = 0;
          for (Kept m : found) {
            matched += m.copies();
          }
          if (accumulate) {
            for (Kept m : found) {
              if (otherOuter) {
                if (m.matches() == 0) {
                  emit(out, RowKind.DELETE, padded(m.row(), !fromLeft), m.copies()); // its padding goes
                }
                other.setMatches(m, m.matches() + 1);
              }
              emit(out, RowKind.INSERT, joined(row, m.row(), fromLeft), m.copies());
            }
            if (selfOuter && matched == 0) {
              out.collect(padded(row, fromLeft));
            }
            self.add(row, selfOuter ? matched : 0);
          } else {
            self.retract(row);
            if (selfOuter && matched == 0) {
              out.collect(padded(row, fromLeft).withKind(RowKind.DELETE));
            }
            for (Kept m : found) {
              emit(out, RowKind.DELETE, joined(row, m.row(), fromLeft), m.copies());
              if (otherOuter) {
                if (m.matches() == 1) {
                  emit(out, RowKind.INSERT, padded(m.row(), !fromLeft), m.copies()); // padded again
                }
                other.setMatches(m, Math.max(0, m.matches() - 1));
              }
            }
          }
        });
  }

  /** Whether the join key holds a NULL: such a key matches nothing (SQL equality). */
  static boolean hasNull(Row key) {
    for (int i = 0; i < key.arity(); i++) {
      if (key.isNull(i)) {
        return true;
      }
    }
    return false;
  }

  private static void emit(Collector<Row> out, RowKind kind, Row row, long copies) {
    Row r = row.withKind(kind);
    for (long i = 0; i < copies; i++) {
      out.collect(r);
    }
  }

  private Row joined(Row self, Row other, boolean selfIsLeft) {
    return selfIsLeft ? self.concat(other) : other.concat(self);
  }

  /** {@code row} of one side with NULLs for the other side's columns. */
  private Row padded(Row row, boolean rowIsLeft) {
    Row nulls = Row.of(new Object[rowIsLeft ? right.size() : left.size()]);
    return rowIsLeft ? row.concat(nulls) : nulls.concat(row);
  }

  /** One side's rows of the current key. */
  private final class Side {
    private final int width;
    private final int[] rowColumns; // an entry's leading columns: the row
    private final SideSpec spec;
    private ValueState<Row> one;
    private MapState<Row, Row> many;

    Side(String name, Schema schema, SideSpec spec, StateContext context) {
      this.width = schema.size();
      this.rowColumns = java.util.stream.IntStream.range(0, width).toArray();
      this.spec = spec;
      Schema.Builder entry = Schema.builder();
      schema.nullable().columns().forEach(c -> entry.column(c.name(), c.type()));
      Schema entrySchema =
          entry.column("$copies", SqlType.bigint()).column("$matches", SqlType.bigint()).build();
      if (spec.uniquePerJoinKey()) {
        ValueStateDescriptor<Row> d = new ValueStateDescriptor<>(name + "-row", new RowSerializer(entrySchema));
        Ttl.expiring(d, ttl);
        one = context.getState(d);
      } else {
        Schema by = spec.uniqueKey() != null ? schema.project(spec.uniqueKey()) : schema;
        MapStateDescriptor<Row, Row> d =
            new MapStateDescriptor<>(
                name + (spec.uniqueKey() != null ? "-by-unique-key" : "-by-row"),
                new RowSerializer(by.nullable()),
                new RowSerializer(entrySchema));
        Ttl.expiring(d, ttl);
        many = context.getMapState(d);
      }
    }

    private Row mapKey(Row row) {
      return spec.uniqueKey() != null ? row.project(spec.uniqueKey()) : row;
    }

    private Row entry(Row row, long copies, long matches) {
      return row.concat(Row.of(copies, matches)).withKind(RowKind.INSERT);
    }

    private Kept kept(Row entry) {
      return new Kept(entry.project(rowColumns), (Long) entry.get(width), (Long) entry.get(width + 1));
    }

    StateFuture<List<Kept>> rows() {
      if (one != null) {
        return access.value(one).thenApply(e -> e == null ? List.of() : List.of(kept(e)));
      }
      return access
          .entries(many)
          .thenApply(
              entries -> {
                List<Kept> all = new ArrayList<>(entries.size());
                for (Map.Entry<Row, Row> e : entries) {
                  all.add(kept(e.getValue()));
                }
                return all;
              });
    }

    /** One more copy of {@code row} (a row of a unique key replaces the one there). */
    void add(Row row, long matches) {
      if (one != null) {
        access.update(one, entry(row, 1, matches));
      } else if (spec.uniqueKey() != null) {
        access.put(many, mapKey(row), entry(row, 1, matches));
      } else {
        Row k = mapKey(row);
        access.get(many, k).thenAccept(e -> access.put(many, k, entry(row, e == null ? 1 : (Long) e.get(width) + 1, matches)));
      }
    }

    /** One copy less of {@code row} (a row of a unique key goes). */
    void retract(Row row) {
      if (one != null) {
        access.clear(one);
      } else if (spec.uniqueKey() != null) {
        access.remove(many, mapKey(row));
      } else {
        Row k = mapKey(row);
        access
            .get(many, k)
            .thenAccept(
                e -> {
                  long copies = e == null ? 0 : (Long) e.get(width) - 1;
                  if (copies <= 0) {
                    access.remove(many, k);
                  } else {
                    access.put(many, k, entry(row, copies, (Long) e.get(width + 1)));
                  }
                });
      }
    }

    void setMatches(Kept kept, long matches) {
      Row e = entry(kept.row(), kept.copies(), matches);
      if (one != null) {
        access.update(one, e);
      } else {
        access.put(many, mapKey(kept.row()), e);
      }
    }
  }

}
