package io.aloft.sql;

import java.util.Arrays;
import java.util.Objects;

/**
 * A row of a changelog: its {@link RowKind} and its field values (Java values as {@link SqlType} lists
 * them; {@code null} for SQL {@code NULL}). Immutable. Two rows are equal when their kinds and values
 * are; {@link #sameValues} ignores the kind.
 */
public final class Row {

  private final RowKind kind;
  private final Object[] values;

  private Row(RowKind kind, Object[] values) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.values = values;
  }

  /** An insertion ({@code +I}) of {@code values}. */
  public static Row of(Object... values) {
    return new Row(RowKind.INSERT, values.clone());
  }

  /** A row of {@code kind} with {@code values}. */
  public static Row ofKind(RowKind kind, Object... values) {
    return new Row(kind, values.clone());
  }

  /** Trusted: {@code values} is not copied and must not be changed afterwards. */
  static Row wrap(RowKind kind, Object[] values) {
    return new Row(kind, values);
  }

  public RowKind kind() {
    return kind;
  }

  public int arity() {
    return values.length;
  }

  public Object get(int index) {
    return values[index];
  }

  public boolean isNull(int index) {
    return values[index] == null;
  }

  /** This row's values with another kind. */
  public Row withKind(RowKind kind) {
    return kind == this.kind ? this : new Row(kind, values);
  }

  /** The values at {@code indexes}, in that order, as an {@code +I} row. */
  public Row project(int... indexes) {
    Object[] picked = new Object[indexes.length];
    for (int i = 0; i < indexes.length; i++) {
      picked[i] = values[indexes[i]];
    }
    return new Row(RowKind.INSERT, picked);
  }

  /** This row's values followed by {@code other}'s, with this row's kind. */
  public Row concat(Row other) {
    Object[] joined = Arrays.copyOf(values, values.length + other.values.length);
    System.arraycopy(other.values, 0, joined, values.length, other.values.length);
    return new Row(kind, joined);
  }

  /** A copy of the values. */
  public Object[] values() {
    return values.clone();
  }

  /** Whether {@code other} has the same values, whatever its kind. */
  public boolean sameValues(Row other) {
    return Arrays.equals(values, other.values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row r && r.kind == kind && Arrays.equals(r.values, values);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + Arrays.hashCode(values);
  }

  /** {@code +I(1, a, null)}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(kind.shortString()).append('(');
    for (int i = 0; i < values.length; i++) {
      s.append(i == 0 ? "" : ", ").append(values[i]);
    }
    return s.append(')').toString();
  }
}
