package io.aloft.sql;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Seeded random input changelogs: new rows ({@code +I}), and when {@code retracting}, deletions
 * ({@code -D}) and updates ({@code -U} then {@code +U}) of rows inserted before and still there, so
 * the changelog is always consistent. Keys are skewed: a few keys get most rows.
 */
final class RandomChangelog {

  private RandomChangelog() {}

  /** A skewed key in {@code [0, keys)}: key 0 is the most frequent. */
  static long skewedKey(Random random, int keys) {
    double r = random.nextDouble();
    return (long) Math.floor(keys * r * r * r);
  }

  static BigDecimal decimal(Random random) {
    return BigDecimal.valueOf(random.nextInt(200_000) - 100_000, 2);
  }

  /**
   * @param newRow makes a new row's values (as an {@code +I} row)
   * @param changes how many changes the log holds
   */
  static List<Row> generate(Random random, int changes, boolean retracting, Function<Random, Row> newRow) {
    List<Row> log = new ArrayList<>();
    List<Row> live = new ArrayList<>();
    while (log.size() < changes) {
      double dice = random.nextDouble();
      if (retracting && !live.isEmpty() && dice < 0.15) {
        Row gone = live.remove(random.nextInt(live.size()));
        log.add(gone.withKind(RowKind.DELETE));
      } else if (retracting && !live.isEmpty() && dice < 0.3) {
        int i = random.nextInt(live.size());
        Row before = live.get(i);
        Row after = newRow.apply(random);
        // an update keeps the row's first column (its key, for the operators that have one)
        Object[] v = after.values();
        v[0] = before.get(0);
        after = Row.of(v);
        live.set(i, after);
        log.add(before.withKind(RowKind.UPDATE_BEFORE));
        log.add(after.withKind(RowKind.UPDATE_AFTER));
      } else {
        Row row = newRow.apply(random);
        live.add(row);
        log.add(row);
      }
    }
    return log;
  }
}
