package io.aloft.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Window joins, inner and outer, on TUMBLE, HOP and CUMULATE windows, async and sync, against H2. */
class WindowJoinTest {

  @TempDir Path dir;

  static final Schema LEFT =
      Schema.builder()
          .column("k", SqlType.bigint())
          .column("a", SqlType.bigint())
          .column("ts", SqlType.timestamp().notNull())
          .rowtime("ts")
          .build();

  static final Schema RIGHT =
      Schema.builder()
          .column("k", SqlType.bigint())
          .column("b", SqlType.varchar())
          .column("ts", SqlType.timestamp().notNull())
          .rowtime("ts")
          .build();

  static List<Row> run(Path dir, WindowJoin join, String backend, boolean async, List<ChangelogRun.Tagged> input, Map<Integer, Long> watermarks, int p, int at, int q) {
    Config config = ChangelogRun.config(dir, backend, async);
    return ChangelogRun.runTwoInput(config, () -> join.newFunction(config), join, input, watermarks, p, at, q);
  }

  static LocalDateTime at(long millis) {
    return WindowAggregateTest.at(millis);
  }

  @Test
  void rowsOfOneWindowJoinWhenItEndsAndLateRowsAreDropped() {
    WindowJoin join =
        WindowJoin.builder(JoinType.LEFT, LEFT, RIGHT).on("k", "k").window(Window.tumble(Duration.ofSeconds(10))).build();
    List<ChangelogRun.Tagged> input =
        List.of(
            new ChangelogRun.Tagged(true, Row.of(1L, 5L, at(1_000))),
            new ChangelogRun.Tagged(false, Row.of(1L, "x", at(9_000))),
            new ChangelogRun.Tagged(false, Row.of(1L, "y", at(12_000))), // the next window: no left row
            new ChangelogRun.Tagged(true, Row.of(1L, 6L, at(12_000))),
            new ChangelogRun.Tagged(true, Row.of(1L, 7L, at(3_000)))); // late
    List<Row> out = run(dir, join, "forst", true, input, Map.of(4, 10_000L), 1, -1, 1);
    assertThat(out)
        .containsExactly(
            Row.of(1L, 5L, at(1_000), 1L, "x", at(9_000), at(0), at(10_000)),
            Row.of(1L, 6L, at(12_000), 1L, "y", at(12_000), at(10_000), at(20_000)));
    assertThat(join.lateRecordsDropped()).isEqualTo(1);
  }

  @Test
  void aWindowJoinNeedsEventTimeOnBothSides() {
    assertThatThrownBy(() -> WindowJoin.builder(JoinType.INNER, LEFT, RIGHT.project(0, 1)))
        .hasMessageContaining("event-time attribute");
  }

  static String oracle(JoinType type) {
    String columns = "lw.k, lw.a, lw.ts, rw.k, rw.b, rw.ts, COALESCE(lw.ws, rw.ws), COALESCE(lw.we, rw.we)";
    String on = " ON lw.k = rw.k AND lw.ws = rw.ws AND lw.we = rw.we";
    return switch (type) {
      case INNER -> "SELECT " + columns + " FROM lw JOIN rw" + on;
      case LEFT -> "SELECT " + columns + " FROM lw LEFT JOIN rw" + on;
      case RIGHT -> "SELECT " + columns + " FROM lw RIGHT JOIN rw" + on;
      case FULL ->
          "SELECT " + columns + " FROM lw LEFT JOIN rw" + on
              + " UNION ALL SELECT NULL, NULL, NULL, rw.k, rw.b, rw.ts, rw.ws, rw.we FROM rw WHERE NOT EXISTS"
              + " (SELECT 1 FROM lw WHERE lw.k = rw.k AND lw.ws = rw.ws AND lw.we = rw.we)";
    };
  }

  static Schema withWindow(Schema s) {
    Schema.Builder b = Schema.builder();
    s.columns().forEach(c -> b.column(c.name(), c.type()));
    return b.column("ws", SqlType.timestamp()).column("we", SqlType.timestamp()).build();
  }

  /**
   * Random rows on both sides (out of order, NULL keys, watermarks trailing by a random delay) through
   * every join type and window kind, async and sync, with a restore at another parallelism: the output
   * equals H2's join of the rows' (row, window) pairs that were not late.
   */
  @ParameterizedTest
  @EnumSource(JoinType.class)
  void randomInputsAgreeWithH2AndAsyncEqualsSync(JoinType type) {
    for (int c = 0; c < OracleCheck.cases(8); c++) {
      long seed = OracleCheck.baseSeed() + 5_000 + 100L * type.ordinal() + c;
      Random random = new Random(seed);
      Window window =
          switch (c % 3) {
            case 0 -> Window.tumble(Duration.ofSeconds(1 + random.nextInt(5)));
            case 1 -> {
              long slide = 1 + random.nextInt(3);
              yield Window.hop(Duration.ofSeconds(slide), Duration.ofSeconds(slide * (1 + random.nextInt(3))));
            }
            default -> {
              long step = 1 + random.nextInt(3);
              yield Window.cumulate(Duration.ofSeconds(step), Duration.ofSeconds(step * (1 + random.nextInt(3))));
            }
          };
      int keys = 1 + random.nextInt(6);
      long delay = random.nextInt(3_000);
      List<ChangelogRun.Tagged> input = new ArrayList<>();
      Map<Integer, Long> watermarks = new HashMap<>();
      List<Row> lw = new ArrayList<>();
      List<Row> rw = new ArrayList<>();
      long watermark = Long.MIN_VALUE;
      long newest = 0;
      int rows = 80 + random.nextInt(200);
      for (int i = 0; i < rows; i++) {
        long t = newest + random.nextInt(1_000) - 600;
        newest = Math.max(newest, t);
        if (random.nextInt(4) == 0 && newest - delay > watermark) {
          watermark = newest - delay;
          watermarks.put(i, watermark);
        }
        boolean isLeft = random.nextBoolean();
        Long k = random.nextInt(10) == 0 ? null : (long) random.nextInt(keys);
        Row row = isLeft ? Row.of(k, (long) random.nextInt(100), at(t)) : Row.of(k, "b" + random.nextInt(100), at(t));
        input.add(new ChangelogRun.Tagged(isLeft, row));
        for (long end : window.windowEnds(window.sliceEnd(t))) {
          if (end - 1 > watermark) {
            (isLeft ? lw : rw).add(row.concat(Row.of(at(window.windowStart(end)), at(end))));
          }
        }
      }
      WindowJoin join = WindowJoin.builder(type, LEFT, RIGHT).on("k", "k").window(window).build();
      List<Row> expected =
          H2Oracle.query(List.of("lw", "rw"), List.of(withWindow(LEFT), withWindow(RIGHT)), List.of(lw, rw), oracle(type));
      int p = random.nextBoolean() ? 1 : 4;
      int q = p == 1 ? 4 : 1;
      int at = input.size() / 3 + random.nextInt(Math.max(1, input.size() / 3));
      String backend = seed % 3 == 0 ? "forst" : "hashmap";
      String where = "seed " + seed + " (" + type + ", " + window + ", " + backend + ", parallelism " + p + ")";
      List<Row> async = run(dir.resolve(seed + "a"), join, backend, true, input, watermarks, p, -1, p);
      List<Row> sync = run(dir.resolve(seed + "s"), join, backend, false, input, watermarks, p, -1, p);
      assertThat(Changelogs.difference(async, expected)).as("async against H2, %s", where).isNull();
      assertThat(Changelogs.byKey(async, 0, 3)).as("async and sync per key, %s", where).isEqualTo(Changelogs.byKey(sync, 0, 3));
      for (boolean mode : new boolean[] {true, false}) {
        List<Row> restored = run(dir.resolve(seed + "r" + mode), join, backend, mode, input, watermarks, p, at, q);
        assertThat(Changelogs.difference(Changelogs.fold(restored), expected))
            .as("async %s restored at row %d at parallelism %d, against H2, %s", mode, at, q, where)
            .isNull();
      }
    }
  }
}
