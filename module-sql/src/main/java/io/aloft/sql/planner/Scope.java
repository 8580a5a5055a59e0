package io.aloft.sql.planner;

import io.aloft.sql.Schema;
import io.aloft.sql.SqlType;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;

/** The columns an expression may name: each with its table (or alias), name, type and position. */
final class Scope {

  record Column(String table, String name, SqlType type, int index) {}

  private final List<Column> columns = new ArrayList<>();

  Scope add(String table, Schema schema, int offset) {
    for (int i = 0; i < schema.size(); i++) {
      columns.add(new Column(table, schema.column(i).name(), schema.type(i), offset + i));
    }
    return this;
  }

  Scope add(String table, String name, SqlType type, int index) {
    columns.add(new Column(table, name, type, index));
    return this;
  }

  List<Column> columns() {
    return columns;
  }

  /** The column {@code id} names ({@code c} or {@code t.c}). */
  Column resolve(SqlIdentifier id) {
    String name = id.names.get(id.names.size() - 1);
    String table = id.names.size() > 1 ? id.names.get(id.names.size() - 2) : null;
    Column found = null;
    for (Column c : columns) {
      if (c.name().equalsIgnoreCase(name) && (table == null || table.equalsIgnoreCase(c.table()))) {
        if (found != null && found.index() != c.index()) {
          throw Parsing.at(id, "column '" + id + "' is ambiguous: qualify it with its table");
        }
        found = c;
      }
    }
    if (found == null) {
      List<String> names = new ArrayList<>();
      columns.forEach(c -> names.add(c.table() == null ? c.name() : c.table() + "." + c.name()));
      throw Parsing.at(id, "unknown column '" + id + "'; known: " + names);
    }
    return found;
  }
}
