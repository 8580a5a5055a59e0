package io.aloft.sql.planner;

import io.aloft.sql.Row;
import io.aloft.sql.SqlType;
import java.util.function.Function;

/** A compiled scalar expression: its type and how to compute it from a row. */
record Expr(SqlType type, Function<Row, Object> eval) {

  Object apply(Row row) {
    return eval.apply(row);
  }
}
