package io.aloft.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The independent engine: H2, in memory, runs the same query in batch over the table an operator's
 * input changelog folds into.
 */
final class H2Oracle {

  private static final AtomicInteger DATABASES = new AtomicInteger();

  private H2Oracle() {}

  /** {@code sql}'s rows over tables named {@code names}, each holding its rows of {@code schemas}. */
  static List<Row> query(List<String> names, List<Schema> schemas, List<List<Row>> tables, String sql) {
    String url = "jdbc:h2:mem:oracle" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=0";
    try (Connection db = DriverManager.getConnection(url)) {
      for (int t = 0; t < names.size(); t++) {
        load(db, names.get(t), schemas.get(t), tables.get(t));
      }
      List<Row> result = new ArrayList<>();
      try (Statement s = db.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Object[] values = new Object[n];
          for (int c = 0; c < n; c++) {
            Object v = rs.getObject(c + 1);
            values[c] = v instanceof java.sql.Timestamp ts ? ts.toLocalDateTime() : v;
          }
          result.add(Row.of(values));
        }
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException("H2 failed on: " + sql, e);
    }
  }

  static List<Row> query(String name, Schema schema, List<Row> table, String sql) {
    return query(List.of(name), List.of(schema), List.of(table), sql);
  }

  private static void load(Connection db, String name, Schema schema, List<Row> rows) throws SQLException {
    StringJoiner columns = new StringJoiner(", ", "CREATE TABLE " + name + " (", ")");
    StringJoiner marks = new StringJoiner(", ", "INSERT INTO " + name + " VALUES (", ")");
    for (Schema.Column c : schema.columns()) {
      String type = c.type().nullable().toString();
      columns.add(c.name() + " " + (type.equals("DOUBLE") ? "DOUBLE PRECISION" : type));
      marks.add("?");
    }
    try (Statement s = db.createStatement()) {
      s.execute(columns.toString());
    }
    try (PreparedStatement insert = db.prepareStatement(marks.toString())) {
      for (Row r : rows) {
        for (int c = 0; c < r.arity(); c++) {
          insert.setObject(c + 1, r.get(c));
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
