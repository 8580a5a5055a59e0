package io.aloft.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The proof every operator goes through: a random input runs through the operator async and sync at
 * parallelism {@code p} (the same changes per key), and async and sync again with a checkpoint midway
 * restored at the other parallelism; each folded output equals H2's answer to {@code oracleSql} over
 * the folded input (table {@code t}).
 */
final class OracleCheck {

  private OracleCheck() {}

  /** Random cases per operator test: {@code -Daloft.sql.randomCases=N} for more. */
  static int cases(int normally) {
    return Integer.getInteger("aloft.sql.randomCases", normally);
  }

  /** The first seed: {@code -Daloft.sql.seed=S} to replay a failure. */
  static long baseSeed() {
    return Long.getLong("aloft.sql.seed", 20261205L);
  }

  static List<Row> run(Path dir, SqlOperator op, String backend, boolean async, List<Row> input, int p, int at, int q) {
    return run(dir, op, backend, async, input, Map.of(), p, at, q);
  }

  static List<Row> run(
      Path dir, SqlOperator op, String backend, boolean async, List<Row> input, Map<Integer, Long> watermarks, int p, int at, int q) {
    return run(dir, op, backend, async, input, watermarks, p, at, q, Config.empty());
  }

  static List<Row> run(
      Path dir,
      SqlOperator op,
      String backend,
      boolean async,
      List<Row> input,
      Map<Integer, Long> watermarks,
      int p,
      int at,
      int q,
      Config extra) {
    Config config = ChangelogRun.config(dir, backend, async).withAll(extra);
    return ChangelogRun.run(
        config, () -> op.newFunction(config), op.keySelector(), op.keySerializer(), input, watermarks, p, at, q);
  }

  static void check(Path dir, SqlOperator op, List<Row> input, String oracleSql, long seed, Random random) {
    check(dir, op, input, oracleSql, seed, random, Config.empty());
  }

  /** As above, with {@code extra} configuration (mini-batch, say). */
  static void check(Path dir, SqlOperator op, List<Row> input, String oracleSql, long seed, Random random, Config extra) {
    List<Row> expected = H2Oracle.query("t", op.inputSchema(), Changelogs.fold(input), oracleSql);
    check(dir, op, input, Map.of(), expected, seed, random, extra);
  }

  static void check(
      Path dir, SqlOperator op, List<Row> input, Map<Integer, Long> watermarks, List<Row> expected, long seed, Random random) {
    check(dir, op, input, watermarks, expected, seed, random, Config.empty());
  }

  /** As above, with watermarks before some rows (see {@link ChangelogRun}) and the expected table given. */
  static void check(
      Path dir,
      SqlOperator op,
      List<Row> input,
      Map<Integer, Long> watermarks,
      List<Row> expected,
      long seed,
      Random random,
      Config extra) {
    int p = random.nextBoolean() ? 1 : 4;
    int q = p == 1 ? 4 : 1;
    int at = input.size() / 3 + random.nextInt(Math.max(1, input.size() / 3));
    String backend = seed % 3 == 0 ? "forst" : "hashmap";
    String where =
        "seed " + seed + " (" + backend + ", parallelism " + p + ", restored at row " + at + " at " + q
            + (extra.asMap().isEmpty() ? "" : ", " + extra.asMap()) + ")";
    int[] key = keyColumnsInOutput(op);
    List<Row> async = run(dir.resolve(seed + "-async"), op, backend, true, input, watermarks, p, -1, p, extra);
    List<Row> sync = run(dir.resolve(seed + "-sync"), op, backend, false, input, watermarks, p, -1, p, extra);
    // A mini-batch's changes depend on which rows share a batch, and the async runtime starts a record
    // whose key is busy later than the sync one does: the batches, not the results, differ.
    if (!extra.get(SqlOptions.MINI_BATCH_ENABLED)) {
      assertThat(Changelogs.firstDifferentKey(async, sync, key)).as("async and sync changes per key, %s", where).isNull();
    }
    assertThat(Changelogs.difference(Changelogs.fold(async), expected)).as("async against H2, %s", where).isNull();
    assertThat(Changelogs.difference(Changelogs.fold(sync), expected)).as("sync against H2, %s", where).isNull();
    for (boolean mode : new boolean[] {true, false}) {
      List<Row> restored = run(dir.resolve(seed + "-restored-" + mode), op, backend, mode, input, watermarks, p, at, q, extra);
      assertThat(Changelogs.difference(Changelogs.fold(restored), expected))
          .as("async %s with a restore, against H2, %s", mode, where)
          .isNull();
    }
  }

  /** Where the key columns sit in the output: the group columns lead a group aggregate's output. */
  private static int[] keyColumnsInOutput(SqlOperator op) {
    if (op instanceof GroupAggregate || op instanceof WindowAggregate) {
      int[] k = new int[op.keyColumns().length];
      for (int i = 0; i < k.length; i++) {
        k[i] = i;
      }
      return k;
    }
    return op.keyColumns(); // the other operators emit their input's columns
  }
}
