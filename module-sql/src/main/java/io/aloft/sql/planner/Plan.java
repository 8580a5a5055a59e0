package io.aloft.sql.planner;

import io.aloft.sql.Row;
import io.aloft.sql.Schema;
import io.aloft.sql.SqlOperator;
import io.aloft.sql.TwoInputSqlOperator;
import java.util.List;
import java.util.function.Function;

/**
 * A planned {@code INSERT INTO sink SELECT …}: its sources, what happens to each source row before the
 * stateful operator (a filter, as {@code null} for a dropped row), the one stateful operator (one or two
 * inputs), and the projection and filter after it into the sink's columns (the row kind kept).
 *
 * @param sources the source tables, one per operator input
 * @param before per source: the row the operator gets, or null to drop it
 * @param operator a {@link SqlOperator} or a {@link TwoInputSqlOperator}
 * @param after the sink's row for an operator output row, or null to drop it
 * @param explain the plan in words, one line per step
 * @param twoPhase whether the operator, a group aggregate, runs as a local phase on the input's thread
 *     and a global keyed one
 */
public record Plan(
    List<TableDefinition> sources,
    List<Function<Row, Row>> before,
    Object operator,
    Function<Row, Row> after,
    TableDefinition sink,
    Schema sinkSchema,
    String explain,
    boolean twoPhase) {

  /** A plan that is not a two-phase aggregate. */
  public Plan(
      List<TableDefinition> sources,
      List<Function<Row, Row>> before,
      Object operator,
      Function<Row, Row> after,
      TableDefinition sink,
      Schema sinkSchema,
      String explain) {
    this(sources, before, operator, after, sink, sinkSchema, explain, false);
  }

  public boolean twoInputs() {
    return operator instanceof TwoInputSqlOperator;
  }
}
