package io.aloft.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Row-time deduplication, keep last and keep first, async and sync, against H2. */
class DeduplicateTest {

  @TempDir Path dir;

  static final Schema INPUT =
      Schema.builder()
          .column("k", SqlType.bigint().notNull())
          .column("v", SqlType.varchar())
          .column("ts", SqlType.timestamp().notNull())
          .column("seq", SqlType.bigint().notNull())
          .rowtime("ts")
          .build();

  static LocalDateTime at(long second) {
    return LocalDateTime.of(2026, 12, 5, 0, 0).plusSeconds(second);
  }

  @Test
  void keepLastReplacesWithEveryRowAtTheSameOrALaterTime() {
    Deduplicate op = Deduplicate.builder(INPUT).partitionBy("k").keepLastRow().build();
    List<Row> input =
        List.of(Row.of(1L, "a", at(10), 0L), Row.of(1L, "b", at(5), 1L), Row.of(1L, "c", at(10), 2L));
    assertThat(OracleCheck.run(dir, op, "forst", true, input, 1, -1, 1))
        .containsExactly(
            Row.of(1L, "a", at(10), 0L),
            Row.ofKind(RowKind.UPDATE_BEFORE, 1L, "a", at(10), 0L),
            Row.ofKind(RowKind.UPDATE_AFTER, 1L, "c", at(10), 2L));
  }

  @Test
  void keepFirstReplacesOnlyWithAnEarlierRow() {
    Deduplicate op = Deduplicate.builder(INPUT).partitionBy("k").keepFirstRow().build();
    List<Row> input =
        List.of(Row.of(1L, "a", at(10), 0L), Row.of(1L, "b", at(10), 1L), Row.of(1L, "c", at(3), 2L));
    assertThat(OracleCheck.run(dir, op, "hashmap", false, input, 1, -1, 1))
        .containsExactly(
            Row.of(1L, "a", at(10), 0L),
            Row.ofKind(RowKind.UPDATE_BEFORE, 1L, "a", at(10), 0L),
            Row.ofKind(RowKind.UPDATE_AFTER, 1L, "c", at(3), 2L));
  }

  @Test
  void aSchemaWithoutEventTimeOrARetractionIsRefused() {
    assertThatThrownBy(() -> Deduplicate.builder(INPUT.project(0, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event-time attribute");
    Deduplicate op = Deduplicate.builder(INPUT).partitionBy("k").build();
    List<Row> input = List.of(Row.ofKind(RowKind.DELETE, 1L, "a", at(1), 0L));
    assertThatThrownBy(() -> OracleCheck.run(dir, op, "hashmap", true, input, 1, -1, 1))
        .hasStackTraceContaining("insert-only");
  }

  @Test
  void randomInputsAgreeWithH2AndAsyncEqualsSync() {
    for (int c = 0; c < OracleCheck.cases(24); c++) {
      long seed = OracleCheck.baseSeed() + 1_000 + c;
      Random random = new Random(seed);
      boolean keepLast = random.nextBoolean();
      int keys = 1 + random.nextInt(30);
      int spread = 1 + random.nextInt(100); // seconds of event time: small spreads give many ties
      AtomicLong seq = new AtomicLong();
      List<Row> input =
          RandomChangelog.generate(
              random,
              100 + random.nextInt(300),
              false,
              r ->
                  Row.of(
                      RandomChangelog.skewedKey(r, keys),
                      r.nextInt(6) == 0 ? null : "v" + r.nextInt(1000),
                      at(r.nextInt(spread)),
                      seq.getAndIncrement()));
      Deduplicate op =
          (keepLast ? Deduplicate.builder(INPUT).partitionBy("k").keepLastRow() : Deduplicate.builder(INPUT).partitionBy("k").keepFirstRow())
              .build();
      String order = keepLast ? "ts DESC, seq DESC" : "ts ASC, seq ASC";
      String oracle =
          "SELECT k, v, ts, seq FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY k ORDER BY " + order
              + ") AS rn FROM t) WHERE rn = 1";
      OracleCheck.check(dir, op, input, oracle, seed, random);
    }
  }

  @Test
  void theKeptRowIsPerKey() {
    Deduplicate op = Deduplicate.builder(INPUT).partitionBy("k").build();
    List<Row> input = List.of(Row.of(1L, "a", at(1), 0L), Row.of(2L, "b", at(0), 1L));
    assertThat(Changelogs.byKey(OracleCheck.run(dir, op, "hashmap", true, input, 2, -1, 2), 0))
        .containsOnly(
            Map.entry(Row.of(1L), List.of(Row.of(1L, "a", at(1), 0L))),
            Map.entry(Row.of(2L), List.of(Row.of(2L, "b", at(0), 1L))));
  }
}
