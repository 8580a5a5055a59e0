package io.aloft.sql;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Folding changelogs into tables, and comparing tables, for the operator tests. */
final class Changelogs {

  private Changelogs() {}

  /**
   * The table {@code changelog} describes: {@code +I}/{@code +U} rows added, {@code -U}/{@code -D}
   * rows removed (each must remove a row that is there).
   *
   * @throws AssertionError on a retraction of a row that is not in the table
   */
  static List<Row> fold(List<Row> changelog) {
    Map<Row, Integer> table = new LinkedHashMap<>();
    for (Row r : changelog) {
      Row values = r.withKind(RowKind.INSERT);
      if (r.kind().isAccumulate()) {
        table.merge(values, 1, Integer::sum);
      } else {
        Integer n = table.get(values);
        if (n == null) {
          throw new AssertionError("retraction of a row that is not in the table: " + r);
        }
        if (n == 1) {
          table.remove(values);
        } else {
          table.put(values, n - 1);
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    table.forEach((row, n) -> {
      for (int i = 0; i < n; i++) {
        rows.add(row);
      }
    });
    return rows;
  }

  /** Each key's changes, in order: for comparing two runs change by change. */
  static Map<Row, List<Row>> byKey(List<Row> changelog, int... keyColumns) {
    Map<Row, List<Row>> changes = new HashMap<>();
    for (Row r : changelog) {
      changes.computeIfAbsent(r.project(keyColumns), k -> new ArrayList<>()).add(r);
    }
    return changes;
  }

  /** Rows sorted by their values' text (NULL first), for comparing tables. */
  static List<Row> sorted(List<Row> rows) {
    List<Row> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(Changelogs::sortKey));
    return copy;
  }

  private static String sortKey(Row r) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < r.arity(); i++) {
      Object v = r.get(i);
      s.append(v == null ? "\u0000" : v instanceof Number n ? String.format("%025.6f", new BigDecimal(n.toString())) : v)
          .append('|');
    }
    return s.toString();
  }

  /**
   * Whether two values are equal, numbers by value within {@code 1e-6} relative (DOUBLE sums that
   * retract, averages that another engine rounds differently).
   */
  static boolean close(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof Number x && b instanceof Number y) {
      BigDecimal p = new BigDecimal(x.toString());
      BigDecimal q = new BigDecimal(y.toString());
      BigDecimal tolerance = p.abs().max(BigDecimal.ONE).multiply(new BigDecimal("1e-6"));
      return p.subtract(q).abs().compareTo(tolerance) <= 0;
    }
    return a.equals(b);
  }

  /** Whether two tables hold the same rows, compared with {@link #close} after sorting. */
  static String difference(List<Row> actual, List<Row> expected) {
    List<Row> a = sorted(actual);
    List<Row> e = sorted(expected);
    if (a.size() != e.size()) {
      return "sizes differ: " + a.size() + " rows, expected " + e.size() + "\nactual:   " + a + "\nexpected: " + e;
    }
    for (int i = 0; i < a.size(); i++) {
      for (int c = 0; c < a.get(i).arity(); c++) {
        if (!close(a.get(i).get(c), e.get(i).get(c))) {
          return "row " + i + " differs: " + a.get(i) + ", expected " + e.get(i);
        }
      }
    }
    return null;
  }

  /** The first key whose changes differ between two runs, with both sequences; null when none does. */
  static String firstDifferentKey(List<Row> a, List<Row> b, int... keyColumns) {
    Map<Row, List<Row>> x = byKey(a, keyColumns);
    Map<Row, List<Row>> y = byKey(b, keyColumns);
    java.util.Set<Row> keys = new java.util.TreeSet<>(Comparator.comparing(Changelogs::sortKey));
    keys.addAll(x.keySet());
    keys.addAll(y.keySet());
    for (Row k : keys) {
      List<Row> p = x.getOrDefault(k, List.of());
      List<Row> q = y.getOrDefault(k, List.of());
      if (!p.equals(q)) {
        return "key " + k + ":\n  " + p + "\n  " + q;
      }
    }
    return null;
  }
}
