package io.aloft.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Regular joins, inner and outer, on changelogs, async and sync, against H2. */
class JoinTest {

  @TempDir Path dir;

  static final Schema LEFT =
      Schema.builder()
          .column("id", SqlType.bigint().notNull())
          .column("k", SqlType.bigint())
          .column("a", SqlType.varchar())
          .build();

  static final Schema RIGHT =
      Schema.builder()
          .column("id", SqlType.bigint().notNull())
          .column("k", SqlType.bigint())
          .column("b", SqlType.bigint())
          .build();

  static List<Row> run(Path dir, Join join, String backend, boolean async, List<ChangelogRun.Tagged> input, int p, int at, int q) {
    Config config = ChangelogRun.config(dir, backend, async);
    return ChangelogRun.runTwoInput(config, () -> join.newFunction(config), join, input, Map.of(), p, at, q);
  }

  static ChangelogRun.Tagged l(RowKind kind, Object... values) {
    return new ChangelogRun.Tagged(true, Row.ofKind(kind, values));
  }

  static ChangelogRun.Tagged r(RowKind kind, Object... values) {
    return new ChangelogRun.Tagged(false, Row.ofKind(kind, values));
  }

  @Test
  void aLeftJoinPadsUntilAMatchArrivesAndPadsAgainWhenTheLastMatchGoes() {
    Join join = Join.builder(JoinType.LEFT, LEFT, RIGHT).on("k", "k").build();
    assertThat(join.outputSchema().columns().stream().map(Schema.Column::name).toList())
        .containsExactly("id", "k", "a", "id0", "k0", "b");
    List<ChangelogRun.Tagged> input =
        List.of(
            l(RowKind.INSERT, 1L, 7L, "x"),
            r(RowKind.INSERT, 10L, 7L, 100L),
            r(RowKind.INSERT, 11L, 7L, 200L),
            r(RowKind.DELETE, 10L, 7L, 100L),
            r(RowKind.DELETE, 11L, 7L, 200L),
            l(RowKind.INSERT, 2L, null, "null keys match nothing"),
            r(RowKind.INSERT, 12L, null, 300L));
    // Per join key, in order (async: keys' changes interleave in completion order).
    assertThat(Changelogs.byKey(run(dir, join, "forst", true, input, 1, -1, 1), 1))
        .containsOnly(
            Map.entry(
                Row.of(7L),
                List.of(
                    Row.of(1L, 7L, "x", null, null, null),
                    Row.ofKind(RowKind.DELETE, 1L, 7L, "x", null, null, null),
                    Row.of(1L, 7L, "x", 10L, 7L, 100L),
                    Row.of(1L, 7L, "x", 11L, 7L, 200L),
                    Row.ofKind(RowKind.DELETE, 1L, 7L, "x", 10L, 7L, 100L),
                    Row.ofKind(RowKind.DELETE, 1L, 7L, "x", 11L, 7L, 200L),
                    Row.of(1L, 7L, "x", null, null, null))),
            Map.entry(Row.of((Object) null), List.of(Row.of(2L, null, "null keys match nothing", null, null, null))));
  }

  @Test
  void joinKeysOfDifferentTypesOrNoConditionAreRefused() {
    assertThatThrownBy(() -> Join.builder(JoinType.INNER, LEFT, RIGHT).on("a", "b"))
        .hasMessageContaining("the types differ");
    assertThatThrownBy(() -> Join.builder(JoinType.INNER, LEFT, RIGHT).build()).hasMessageContaining("equality");
  }

  enum Uniqueness {
    NONE,
    ID,
    JOIN_KEY
  }

  /** A consistent random changelog of one side whose live rows respect {@code unique}. */
  static void side(Random random, boolean left, Uniqueness unique, int keys, int changes, List<ChangelogRun.Tagged> into, long[] ids) {
    List<Row> live = new ArrayList<>();
    Set<Object> liveKeys = new HashSet<>();
    for (int n = 0; n < changes; n++) {
      double dice = random.nextDouble();
      if (!live.isEmpty() && dice < 0.3) {
        Row gone = live.remove(random.nextInt(live.size()));
        liveKeys.remove(unique == Uniqueness.JOIN_KEY ? gone.get(1) : gone.get(0));
        into.add(new ChangelogRun.Tagged(left, gone.withKind(random.nextBoolean() ? RowKind.DELETE : RowKind.UPDATE_BEFORE)));
        continue;
      }
      Long k = random.nextInt(8) == 0 && unique != Uniqueness.JOIN_KEY ? null : (long) random.nextInt(keys);
      long id = unique == Uniqueness.NONE ? random.nextInt(3) : ids[0]++;
      Object u = unique == Uniqueness.JOIN_KEY ? k : id;
      if (unique != Uniqueness.NONE && liveKeys.contains(u)) {
        continue;
      }
      Row row = left ? Row.of(id, k, "v" + random.nextInt(3)) : Row.of(id, k, (long) random.nextInt(3));
      live.add(row);
      if (unique != Uniqueness.NONE) {
        liveKeys.add(u);
      }
      into.add(new ChangelogRun.Tagged(left, row.withKind(random.nextBoolean() ? RowKind.INSERT : RowKind.UPDATE_AFTER)));
    }
  }

  static String oracle(JoinType type) {
    String columns = "l.id, l.k, l.a, r.id, r.k, r.b";
    return switch (type) {
      case INNER -> "SELECT " + columns + " FROM l JOIN r ON l.k = r.k";
      case LEFT -> "SELECT " + columns + " FROM l LEFT JOIN r ON l.k = r.k";
      case RIGHT -> "SELECT " + columns + " FROM l RIGHT JOIN r ON l.k = r.k";
      case FULL ->
          "SELECT " + columns + " FROM l LEFT JOIN r ON l.k = r.k UNION ALL SELECT NULL, NULL, NULL, r.id, r.k, r.b"
              + " FROM r WHERE NOT EXISTS (SELECT 1 FROM l WHERE l.k = r.k)";
    };
  }

  /**
   * Random changelogs on both sides (each side's unique key random: none, a column outside the join
   * key, or the join key itself) through every join type, async and sync, with a restore at another
   * parallelism: the folded output equals H2's join of the folded inputs, and async and sync emit the
   * same changes per key.
   */
  @ParameterizedTest
  @EnumSource(JoinType.class)
  void randomChangelogsAgreeWithH2AndAsyncEqualsSync(JoinType type) {
    for (int c = 0; c < OracleCheck.cases(12); c++) {
      long seed = OracleCheck.baseSeed() + 4_000 + 100L * type.ordinal() + c;
      Random random = new Random(seed);
      Uniqueness lu = Uniqueness.values()[random.nextInt(3)];
      Uniqueness ru = Uniqueness.values()[random.nextInt(3)];
      int keys = 1 + random.nextInt(10);
      List<ChangelogRun.Tagged> ls = new ArrayList<>();
      List<ChangelogRun.Tagged> rs = new ArrayList<>();
      long[] ids = {0};
      side(random, true, lu, keys, 50 + random.nextInt(150), ls, ids);
      side(random, false, ru, keys, 50 + random.nextInt(150), rs, ids);
      List<ChangelogRun.Tagged> input = new ArrayList<>();
      int i = 0;
      int j = 0;
      while (i < ls.size() || j < rs.size()) {
        input.add(j >= rs.size() || (i < ls.size() && random.nextBoolean()) ? ls.get(i++) : rs.get(j++));
      }
      Join.Builder b = Join.builder(type, LEFT, RIGHT).on("k", "k");
      if (lu != Uniqueness.NONE) {
        b.leftUniqueKey(lu == Uniqueness.ID ? "id" : "k");
      }
      if (ru != Uniqueness.NONE) {
        b.rightUniqueKey(ru == Uniqueness.ID ? "id" : "k");
      }
      Join join = b.build();
      List<Row> lFinal = Changelogs.fold(input.stream().filter(ChangelogRun.Tagged::left).map(ChangelogRun.Tagged::row).toList());
      List<Row> rFinal = Changelogs.fold(input.stream().filter(t -> !t.left()).map(ChangelogRun.Tagged::row).toList());
      List<Row> expected = H2Oracle.query(List.of("l", "r"), List.of(LEFT, RIGHT), List.of(lFinal, rFinal), oracle(type));
      int p = random.nextBoolean() ? 1 : 4;
      int q = p == 1 ? 4 : 1;
      int at = input.size() / 3 + random.nextInt(Math.max(1, input.size() / 3));
      String backend = seed % 3 == 0 ? "forst" : "hashmap";
      String where = "seed " + seed + " (" + type + ", unique " + lu + "/" + ru + ", " + backend + ", parallelism " + p + ")";
      List<Row> async = run(dir.resolve(seed + "a"), join, backend, true, input, p, -1, p);
      List<Row> sync = run(dir.resolve(seed + "s"), join, backend, false, input, p, -1, p);
      assertThat(Changelogs.difference(Changelogs.fold(async), expected)).as("async against H2, %s", where).isNull();
      assertThat(Changelogs.difference(Changelogs.fold(sync), expected)).as("sync against H2, %s", where).isNull();
      assertThat(Changelogs.byKey(async, 1, 4)).as("async and sync per key, %s", where).isEqualTo(Changelogs.byKey(sync, 1, 4));
      for (boolean mode : new boolean[] {true, false}) {
        List<Row> restored = run(dir.resolve(seed + "r" + mode), join, backend, mode, input, p, at, q);
        assertThat(Changelogs.difference(Changelogs.fold(restored), expected))
            .as("async %s restored at row %d at parallelism %d, against H2, %s", mode, at, q, where)
            .isNull();
      }
    }
  }
}
