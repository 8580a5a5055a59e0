package io.aloft.sql;

import io.aloft.config.Config;
import io.aloft.process.KeySelector;
import io.aloft.process.KeyedCoProcessFunction;
import io.aloft.serde.Serializer;

/**
 * A stateful SQL operator with two inputs keyed by the same columns' values (a join's equality keys):
 * what a keyed co-job needs to run it. Run it with {@code aloft.keyedCoJob(() -> op.newFunction(config))
 * .keySelector1(op.leftKeySelector()).keySelector2(op.rightKeySelector()).keySerializer(op.keySerializer())…}.
 */
public interface TwoInputSqlOperator {

  Schema leftSchema();

  Schema rightSchema();

  Schema outputSchema();

  /** The left input's key columns, in the order of {@link #rightKeyColumns()}'s. */
  int[] leftKeyColumns();

  int[] rightKeyColumns();

  /** The key's columns (the left side's key columns, nullable). */
  default Schema keySchema() {
    return leftSchema().project(leftKeyColumns()).nullable();
  }

  default KeySelector<Row, Row> leftKeySelector() {
    int[] columns = leftKeyColumns();
    return row -> row.project(columns);
  }

  default KeySelector<Row, Row> rightKeySelector() {
    int[] columns = rightKeyColumns();
    return row -> row.project(columns);
  }

  default Serializer<Row> keySerializer() {
    return new RowSerializer(keySchema());
  }

  /** A new instance of the operator's function, async or sync as {@link SqlOperator#newFunction} says. */
  KeyedCoProcessFunction<Row, Row, Row, Row> newFunction(Config config);
}
