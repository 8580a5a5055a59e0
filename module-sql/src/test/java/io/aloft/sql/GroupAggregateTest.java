package io.aloft.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The group aggregate: its changelog, async and sync, and its results against H2. */
class GroupAggregateTest {

  @TempDir Path dir;

  static final Schema INPUT =
      Schema.builder()
          .column("k", SqlType.bigint().notNull())
          .column("a", SqlType.bigint())
          .column("d", SqlType.decimal(10, 2))
          .column("x", SqlType.doubleType())
          .build();

  static GroupAggregate allFunctions(boolean retracting) {
    GroupAggregate.Builder b =
        GroupAggregate.builder(INPUT)
            .groupBy("k")
            .aggregate(
                AggregateCall.countStar().as("n"),
                AggregateCall.count("a"),
                AggregateCall.sum("a"),
                AggregateCall.min("a"),
                AggregateCall.max("a"),
                AggregateCall.avg("a"),
                AggregateCall.sum("d"),
                AggregateCall.min("d"),
                AggregateCall.max("d"),
                AggregateCall.avg("d"),
                AggregateCall.max("x"),
                AggregateCall.sum("x"),
                AggregateCall.count("a").distinct().as("distinct_a"),
                AggregateCall.sum("d").distinct().as("distinct_d"),
                AggregateCall.avg("a").distinct().as("avg_distinct_a"));
    return (retracting ? b : b.insertOnlyInput()).build();
  }

  /** The same query for H2 (AVG of BIGINT truncates toward zero, as Flink's does). */
  static final String ORACLE =
      "SELECT k, COUNT(*), COUNT(a), SUM(a), MIN(a), MAX(a), TRUNC(CAST(SUM(a) AS DOUBLE PRECISION) / COUNT(a)),"
          + " SUM(d), MIN(d), MAX(d), AVG(d), MAX(x), SUM(x), COUNT(DISTINCT a), SUM(DISTINCT d),"
          + " TRUNC(CAST(SUM(DISTINCT a) AS DOUBLE PRECISION) / COUNT(DISTINCT a)) FROM t GROUP BY k";

  private List<Row> run(GroupAggregate agg, String backend, boolean async, List<Row> input, int p, int at, int q) {
    return OracleCheck.run(dir.resolve(backend + async + p + q + at), agg, backend, async, input, p, at, q);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aGroupsResultIsInsertedUpdatedAndDeletedAsItsRowsComeAndGo(boolean async) {
    GroupAggregate agg =
        GroupAggregate.builder(INPUT)
            .groupBy("k")
            .aggregate(AggregateCall.countStar().as("n"), AggregateCall.sum("a"), AggregateCall.max("a"))
            .build();
    List<Row> input =
        List.of(
            Row.of(1L, 5L, null, null),
            Row.of(1L, 7L, null, null),
            Row.of(2L, null, null, null),
            Row.ofKind(RowKind.DELETE, 1L, 7L, null, null),
            Row.ofKind(RowKind.DELETE, 3L, 1L, null, null), // nothing counted for 3: ignored
            Row.ofKind(RowKind.DELETE, 1L, 5L, null, null));
    // Each group's changes in order (async, groups' changes interleave in completion order).
    assertThat(Changelogs.byKey(run(agg, "forst", async, input, 1, -1, 1), 0))
        .containsOnly(
            Map.entry(
                Row.of(1L),
                List.of(
                    Row.of(1L, 1L, 5L, 5L),
                    Row.ofKind(RowKind.UPDATE_BEFORE, 1L, 1L, 5L, 5L),
                    Row.ofKind(RowKind.UPDATE_AFTER, 1L, 2L, 12L, 7L),
                    Row.ofKind(RowKind.UPDATE_BEFORE, 1L, 2L, 12L, 7L),
                    Row.ofKind(RowKind.UPDATE_AFTER, 1L, 1L, 5L, 5L), // MAX falls back to the value left
                    Row.ofKind(RowKind.DELETE, 1L, 1L, 5L, 5L))),
            Map.entry(Row.of(2L), List.of(Row.of(2L, 1L, null, null))));
  }

  @Test
  void anUnchangedResultIsNotEmitted() {
    GroupAggregate agg =
        GroupAggregate.builder(INPUT).groupBy("k").aggregate(AggregateCall.max("a")).build();
    List<Row> input = List.of(Row.of(1L, 9L, null, null), Row.of(1L, 3L, null, null));
    assertThat(run(agg, "hashmap", true, input, 1, -1, 1)).containsExactly(Row.of(1L, 9L));
  }

  @Test
  void decimalAndAverageTypesFollowFlink() {
    GroupAggregate agg = allFunctions(true);
    Schema out = agg.outputSchema();
    assertThat(out.type(out.indexOf("sum_d"))).isEqualTo(SqlType.decimal(38, 2));
    assertThat(out.type(out.indexOf("avg_d"))).isEqualTo(SqlType.decimal(38, 6));
    assertThat(out.type(out.indexOf("avg_a"))).isEqualTo(SqlType.bigint());
    assertThat(out.type(out.indexOf("n"))).isEqualTo(SqlType.bigint().notNull());
    List<Row> input = List.of(Row.of(1L, 1L, new BigDecimal("1.00"), null), Row.of(1L, 2L, new BigDecimal("2.00"), null));
    Row last = run(agg, "hashmap", false, input, 1, -1, 1).get(2);
    assertThat(last.get(out.indexOf("avg_a"))).isEqualTo(1L); // 3 / 2 truncated
    assertThat(last.get(out.indexOf("avg_d"))).isEqualTo(new BigDecimal("1.500000"));
  }

  @Test
  void aRetractionIntoAnInsertOnlyAggregateFailsTheJobNamingTheRow() {
    GroupAggregate agg = allFunctions(false);
    List<Row> input = List.of(Row.of(1L, 1L, null, null), Row.ofKind(RowKind.DELETE, 1L, 1L, null, null));
    assertThatThrownBy(() -> run(agg, "hashmap", false, input, 1, -1, 1))
        .hasStackTraceContaining("declared insert-only")
        .hasStackTraceContaining("-D(1, 1, null, null)");
  }

  @Test
  void badValuesOfTheTableKeysAreRefusedNamingTheKey() {
    GroupAggregate agg = allFunctions(true);
    assertThatThrownBy(() -> agg.newFunction(Config.empty().with("table.optimizer.agg-phase-strategy", "THREE_PHASE")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("table.optimizer.agg-phase-strategy");
    assertThatThrownBy(() -> agg.newFunction(Config.empty().with("table.exec.async-state.enabled", "yes please")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("table.exec.async-state.enabled");
  }

  /**
   * Random changelogs (seeded; skewed keys; deletions and updates when the input retracts) through
   * {@link OracleCheck}: async equals sync per group, and the results equal H2's, also across a
   * restore at another parallelism. {@code -Daloft.sql.randomCases=N} runs more cases.
   */
  @Test
  void randomChangelogsAgreeWithH2AndAsyncEqualsSync() {
    for (int c = 0; c < OracleCheck.cases(40); c++) {
      long seed = OracleCheck.baseSeed() + c;
      Random random = new Random(seed);
      boolean retracting = random.nextBoolean();
      int keys = 1 + random.nextInt(40);
      List<Row> input =
          RandomChangelog.generate(
              random,
              100 + random.nextInt(400),
              retracting,
              r ->
                  Row.of(
                      RandomChangelog.skewedKey(r, keys),
                      r.nextInt(5) == 0 ? null : (long) r.nextInt(2_000) - 1_000,
                      r.nextInt(5) == 0 ? null : RandomChangelog.decimal(r),
                      r.nextInt(5) == 0 ? null : r.nextInt(100_000) / 8.0));
      OracleCheck.check(dir, allFunctions(retracting), input, ORACLE, seed, random);
    }
  }

  /**
   * The same with {@code table.exec.mini-batch.*}: buffered rows are applied per key at once, before
   * every checkpoint too (a long allowed latency, so that only the size and the checkpoints flush and
   * runs are repeatable).
   */
  @Test
  void miniBatchesAgreeWithH2AndAsyncEqualsSync() {
    for (int c = 0; c < OracleCheck.cases(16); c++) {
      long seed = OracleCheck.baseSeed() + 6_000 + c;
      Random random = new Random(seed);
      boolean retracting = random.nextBoolean();
      int keys = 1 + random.nextInt(40);
      List<Row> input =
          RandomChangelog.generate(
              random,
              100 + random.nextInt(400),
              retracting,
              r ->
                  Row.of(
                      RandomChangelog.skewedKey(r, keys),
                      r.nextInt(5) == 0 ? null : (long) r.nextInt(2_000) - 1_000,
                      r.nextInt(5) == 0 ? null : RandomChangelog.decimal(r),
                      r.nextInt(5) == 0 ? null : r.nextInt(100_000) / 8.0));
      Config miniBatch =
          Config.empty()
              .with(SqlOptions.MINI_BATCH_ENABLED, true)
              .with(SqlOptions.MINI_BATCH_ALLOW_LATENCY, java.time.Duration.ofHours(1))
              .with(SqlOptions.MINI_BATCH_SIZE, 1 + random.nextInt(50));
      OracleCheck.check(dir, allFunctions(retracting), input, ORACLE, seed, random, miniBatch);
    }
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aMiniBatchEmitsEachKeysNetChangeOnce(boolean async) {
    GroupAggregate agg = GroupAggregate.builder(INPUT).groupBy("k").aggregate(AggregateCall.countStar().as("n")).build();
    Config miniBatch =
        Config.empty()
            .with(SqlOptions.MINI_BATCH_ENABLED, true)
            .with(SqlOptions.MINI_BATCH_ALLOW_LATENCY, java.time.Duration.ofHours(1))
            .with(SqlOptions.MINI_BATCH_SIZE, 4);
    List<Row> input = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      input.add(Row.of(1L, null, null, null));
    }
    assertThat(OracleCheck.run(dir, agg, "forst", async, input, Map.of(), 1, -1, 1, miniBatch))
        .containsExactly(
            Row.of(1L, 4L), // the first four rows, applied at once
            Row.ofKind(RowKind.UPDATE_BEFORE, 1L, 4L),
            Row.ofKind(RowKind.UPDATE_AFTER, 1L, 8L));
  }

  @Test
  void miniBatchNeedsItsLatencyAndSize() {
    GroupAggregate agg = allFunctions(true);
    assertThatThrownBy(() -> agg.newFunction(Config.empty().with("table.exec.mini-batch.enabled", "true")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("table.exec.mini-batch.allow-latency");
    assertThatThrownBy(
            () ->
                agg.newFunction(
                    Config.empty()
                        .with("table.exec.mini-batch.enabled", "true")
                        .with("table.exec.mini-batch.allow-latency", "1 s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("table.exec.mini-batch.size");
  }

  /** {@code table.exec.state.ttl}: a group idle for longer starts over, as in Flink. */
  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aGroupIdleForLongerThanTheStateTtlStartsOver(boolean async) {
    GroupAggregate agg = GroupAggregate.builder(INPUT).groupBy("k").aggregate(AggregateCall.countStar().as("n")).build();
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000);
    java.time.InstantSource clock = () -> java.time.Instant.ofEpochMilli(now.get());
    Config config =
        ChangelogRun.config(dir, "forst", async).with(SqlOptions.STATE_TTL, java.time.Duration.ofMinutes(1));
    ChangelogRun.Recorder out = new ChangelogRun.Recorder();
    try (io.aloft.engine.Aloft aloft = io.aloft.engine.Aloft.create(config);
        io.aloft.process.KeyedJob<Row, Row> job =
            aloft
                .<Row, Row, Row>keyedJob(() -> agg.newFunction(config))
                .keySelector(agg.keySelector())
                .keySerializer(agg.keySerializer())
                .clock(clock)
                .output(out)
                .build()) {
      job.processElement(Row.of(1L, null, null, null));
      job.processElement(Row.of(1L, null, null, null));
      job.drain();
      now.addAndGet(java.time.Duration.ofMinutes(2).toMillis());
      job.processElement(Row.of(1L, null, null, null));
      job.drain();
    }
    assertThat(out.rows)
        .containsExactly(
            Row.of(1L, 1L),
            Row.ofKind(RowKind.UPDATE_BEFORE, 1L, 1L),
            Row.ofKind(RowKind.UPDATE_AFTER, 1L, 2L),
            Row.of(1L, 1L)); // the expired accumulator is gone: counting starts over
  }
}
