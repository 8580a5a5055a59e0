package io.aloft.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The columns of a table or of an operator's rows, in order, and the event-time attribute if there is
 * one (a {@code TIMESTAMP(3)} column a watermark is defined on). Column names are compared without
 * regard to case, as Flink SQL's unquoted names are.
 */
public final class Schema {

  /** A column: its name and type. */
  public record Column(String name, SqlType type) {
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }
  }

  private final List<Column> columns;
  private final int rowtime;

  private Schema(List<Column> columns, int rowtime) {
    this.columns = List.copyOf(columns);
    this.rowtime = rowtime;
  }

  /** Starts a schema. */
  public static Builder builder() {
    return new Builder();
  }

  /** The schema of {@code columns}, without an event-time attribute. */
  public static Schema of(List<Column> columns) {
    Builder b = builder();
    columns.forEach(c -> b.column(c.name(), c.type()));
    return b.build();
  }

  public List<Column> columns() {
    return columns;
  }

  public int size() {
    return columns.size();
  }

  public Column column(int index) {
    return columns.get(index);
  }

  public SqlType type(int index) {
    return columns.get(index).type();
  }

  /**
   * The index of the column named {@code name}.
   *
   * @throws IllegalArgumentException naming the column and the columns there are
   */
  public int indexOf(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equalsIgnoreCase(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "no column '" + name + "' in " + columns.stream().map(Column::name).toList());
  }

  /**
   * The indexes of the columns named {@code names}, in that order.
   *
   * @throws IllegalArgumentException naming a column that does not exist
   */
  public int[] indexesOf(String... names) {
    int[] indexes = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      indexes[i] = indexOf(names[i]);
    }
    return indexes;
  }

  /** The index of the event-time attribute, or -1. */
  public int rowtimeIndex() {
    return rowtime;
  }

  /** This schema with {@code column} as its event-time attribute. */
  public Schema withRowtime(String column) {
    int i = indexOf(column);
    if (type(i).kind() != SqlType.Kind.TIMESTAMP) {
      throw new IllegalArgumentException(
          "the event-time attribute '" + column + "' must be TIMESTAMP(3), not " + type(i));
    }
    return new Schema(columns, i);
  }

  /** This schema with every column nullable, without an event-time attribute. */
  public Schema nullable() {
    List<Column> copy = new ArrayList<>();
    for (Column c : columns) {
      copy.add(new Column(c.name(), c.type().nullable()));
    }
    return new Schema(copy, -1);
  }

  /** The columns at {@code indexes}, in that order, without an event-time attribute. */
  public Schema project(int... indexes) {
    List<Column> picked = new ArrayList<>();
    for (int i : indexes) {
      picked.add(columns.get(i));
    }
    return new Schema(picked, -1);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < columns.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(columns.get(i).name()).append(' ').append(columns.get(i).type());
      if (i == rowtime) {
        s.append(" *ROWTIME*");
      }
    }
    return s.append(')').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schema s && s.columns.equals(columns) && s.rowtime == rowtime;
  }

  @Override
  public int hashCode() {
    return columns.hashCode() * 31 + rowtime;
  }

  /** Builds a {@link Schema}. */
  public static final class Builder {
    private final List<Column> columns = new ArrayList<>();
    private String rowtime;

    private Builder() {}

    /**
     * Adds a column.
     *
     * @throws IllegalArgumentException if a column of that name (in any case) exists
     */
    public Builder column(String name, SqlType type) {
      for (Column c : columns) {
        if (c.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException("duplicate column '" + name + "'");
        }
      }
      columns.add(new Column(name, type));
      return this;
    }

    /** Makes {@code column}, a {@code TIMESTAMP(3)}, the event-time attribute. */
    public Builder rowtime(String column) {
      this.rowtime = column;
      return this;
    }

    public Schema build() {
      Schema s = new Schema(columns, -1);
      return rowtime == null ? s : s.withRowtime(rowtime);
    }
  }
}
