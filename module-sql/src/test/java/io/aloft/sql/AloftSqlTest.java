package io.aloft.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.Checkpoint;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SQL text through {@link AloftSql}: each shape planned onto its operator and run on a keyed job, its
 * result equal to H2's answer to the same query; unsupported constructs refused with their position.
 */
class AloftSqlTest {

  @TempDir Path dir;

  static final String BIDS =
      "CREATE TABLE bids (\n"
          + "  auction BIGINT NOT NULL,\n"
          + "  bidder BIGINT,\n"
          + "  price DECIMAL(10, 2),\n"
          + "  ts TIMESTAMP(3) NOT NULL,\n"
          + "  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND\n"
          + ")";

  static final String AUCTIONS =
      "CREATE TABLE auctions (id BIGINT NOT NULL, seller BIGINT, category INT, PRIMARY KEY (id) NOT ENFORCED)";

  static final Schema BIDS_H2 =
      Schema.builder()
          .column("auction", SqlType.bigint())
          .column("bidder", SqlType.bigint())
          .column("price", SqlType.decimal(10, 2))
          .column("ts", SqlType.timestamp())
          .build();

  static final Schema AUCTIONS_H2 =
      Schema.builder().column("id", SqlType.bigint()).column("seller", SqlType.bigint()).column("category", SqlType.integer()).build();

  static List<Row> bids(long seed, int n) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    long t = 0;
    for (int i = 0; i < n; i++) {
      t += r.nextInt(700);
      rows.add(
          Row.of(
              RandomChangelog.skewedKey(r, 30),
              r.nextInt(10) == 0 ? null : (long) r.nextInt(50),
              r.nextInt(10) == 0 ? null : RandomChangelog.decimal(r).abs(),
              LocalDateTime.of(2026, 12, 5, 0, 0).plusNanos((t + r.nextInt(1_500)) * 1_000_000L)));
    }
    return rows;
  }

  static List<Row> auctions() {
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 25; id++) {
      rows.add(Row.of(id, id % 7, (int) (id % 3)));
    }
    return rows;
  }

  private Config config(int parallelism, boolean async) {
    return ChangelogRun.config(dir, "forst", async).with(AloftSql.PARALLELISM, parallelism);
  }

  /** Runs {@code insert} over the bids and auctions into {@code sinkDdl}'s table; returns its folded rows. */
  private List<Row> run(Config config, String sinkDdl, String insert, List<Row> bids) {
    List<Row> out = new ArrayList<>();
    try (Aloft aloft = Aloft.create(config)) {
      AloftSql sql = AloftSql.create(aloft);
      sql.executeSql(BIDS);
      sql.executeSql(AUCTIONS);
      sql.executeSql(sinkDdl);
      sql.registerSource("bids", bids);
      sql.registerSource("auctions", auctions());
      String sink = sinkDdl.split("\\s+")[2];
      sql.registerSink(sink, out::add);
      try (SqlJob job = sql.createJob(insert)) {
        job.run();
      }
    }
    return Changelogs.fold(out);
  }

  private static List<Row> h2(String query, List<Row> bids) {
    return H2Oracle.query(List.of("bids", "auctions"), List.of(BIDS_H2, AUCTIONS_H2), List.of(bids, auctions()), query);
  }

  /** An AloftSql over the bids and the sink {@code sinkDdl} ({@code results}), its changes into {@code out}. */
  private static AloftSql bidsInto(Aloft aloft, String sinkDdl, List<Row> bids, List<Row> out) {
    AloftSql sql = AloftSql.create(aloft);
    sql.executeSql(BIDS);
    sql.executeSql(sinkDdl);
    sql.registerSource("bids", bids);
    sql.registerSink("results", out::add);
    return sql;
  }

  /**
   * Runs {@code insert} to row {@code at} under {@code first}, checkpoints, and finishes it on a job
   * restored from that checkpoint under {@code then}; returns the changes a sink kept (folded).
   */
  private static List<Row> checkpointedAndRestored(
      Config first, Config then, String sinkDdl, String insert, List<Row> bids, int at) {
    List<Row> out = new ArrayList<>();
    Checkpoint checkpoint;
    try (Aloft aloft = Aloft.create(first);
        SqlJob job = bidsInto(aloft, sinkDdl, bids, out).createJob(insert)) {
      assertThat(job.runUntil(at)).isEqualTo(at);
      checkpoint = job.checkpoint();
      assertThat(checkpoint.inputPosition()).hasValue(at);
    }
    try (Aloft aloft = Aloft.create(then);
        SqlJob job = bidsInto(aloft, sinkDdl, bids, out).restoreJob(insert, checkpoint.location())) {
      assertThat(job.position()).isEqualTo(at);
      job.run();
    }
    return Changelogs.fold(out);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aGroupAggregateWithAFilterAndExpressionsEqualsH2(boolean async) {
    String query =
        "SELECT auction, COUNT(*), SUM(price), MAX(price) - MIN(price), COUNT(DISTINCT bidder)\n"
            + "FROM bids WHERE price > 10 OR bidder IS NULL GROUP BY auction";
    List<Row> bids = bids(1, 2_000);
    List<Row> actual =
        run(
            config(2, async),
            "CREATE TABLE results (auction BIGINT, n BIGINT, total DECIMAL(38, 2), spread DECIMAL(38, 2), bidders BIGINT)",
            "INSERT INTO results " + query,
            bids);
    assertThat(Changelogs.difference(actual, h2(query, bids))).isNull();
  }

  @Test
  void aTopNEqualsH2AndATop1ByEventTimeIsADeduplication() {
    List<Row> bids = bids(2, 1_500);
    // distinct prices per auction, so that H2 and Aloft rank the same rows (ties rank by arrival here)
    List<Row> unique = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Row b : bids) {
      if (b.get(2) != null && seen.add(b.get(0) + "/" + b.get(2))) {
        unique.add(b);
      }
    }
    String topN =
        "SELECT auction, price, rn FROM (\n"
            + "  SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bids)\n"
            + "WHERE rn <= 3";
    List<Row> actual =
        run(config(3, true), "CREATE TABLE results (auction BIGINT, price DECIMAL(10, 2), rn BIGINT)", "INSERT INTO results " + topN, unique);
    assertThat(Changelogs.difference(actual, h2(topN, unique))).isNull();

    try (Aloft aloft = Aloft.create(config(1, true))) {
      AloftSql sql = AloftSql.create(aloft);
      sql.executeSql(BIDS);
      sql.executeSql("CREATE TABLE last_bid (auction BIGINT, bidder BIGINT, ts TIMESTAMP(3))");
      assertThat(
              sql.explain(
                  "INSERT INTO last_bid SELECT auction, bidder, ts FROM (SELECT *, ROW_NUMBER() OVER"
                      + " (PARTITION BY auction ORDER BY ts DESC) AS rownum FROM bids) WHERE rownum = 1"))
          .contains("deduplicate by [auction] keeping the last row by ts");
    }
  }

  @Test
  void aJoinWithAPrimaryKeyEqualsH2() {
    String query =
        "SELECT b.auction, b.price, a.seller FROM bids AS b LEFT JOIN auctions AS a ON b.auction = a.id WHERE b.price IS NOT NULL";
    List<Row> bids = bids(3, 1_000);
    List<Row> actual =
        run(config(2, true), "CREATE TABLE results (auction BIGINT, price DECIMAL(10, 2), seller BIGINT)", "INSERT INTO results " + query, bids);
    assertThat(Changelogs.difference(actual, h2(query, bids))).isNull();
  }

  @Test
  void aTumblingWindowAggregateCountsEachWindowOnce() {
    List<Row> bids = new ArrayList<>();
    LocalDateTime t0 = LocalDateTime.of(2026, 12, 5, 0, 0);
    for (int s = 0; s < 30; s++) {
      bids.add(Row.of(1L, 1L, null, t0.plusSeconds(s)));
    }
    List<Row> actual =
        run(
            config(2, true),
            "CREATE TABLE results (auction BIGINT, wstart TIMESTAMP(3), wend TIMESTAMP(3), n BIGINT)",
            "INSERT INTO results SELECT auction, window_start, window_end, COUNT(*)\n"
                + "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))\n"
                + "GROUP BY auction, window_start, window_end",
            bids);
    assertThat(actual)
        .containsExactlyInAnyOrder(
            Row.of(1L, t0, t0.plusSeconds(10), 10L),
            Row.of(1L, t0.plusSeconds(10), t0.plusSeconds(20), 10L),
            Row.of(1L, t0.plusSeconds(20), t0.plusSeconds(30), 10L));
  }

  @Test
  void aStatementCheckpointedMidwayAndRestoredAtAnotherParallelismGivesTheSameResult() {
    String insert = "INSERT INTO results SELECT bidder, COUNT(*), MAX(price) FROM bids GROUP BY bidder";
    String sink = "CREATE TABLE results (bidder BIGINT, n BIGINT, top DECIMAL(10, 2))";
    List<Row> bids = bids(4, 3_000);
    List<Row> whole = run(config(2, true), sink, insert, bids);
    assertThat(Changelogs.difference(checkpointedAndRestored(config(2, true), config(3, false), sink, insert, bids, 1_234), whole))
        .isNull();
  }

  /**
   * {@code table.optimizer.agg-phase-strategy: TWO_PHASE} with mini-batch: a local pre-aggregation on
   * the input's thread, then the global aggregate; the same result as H2, also when checkpointed while
   * the local phase holds rows and restored at another parallelism.
   */
  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aTwoPhaseAggregateEqualsH2AcrossARestore(boolean async) {
    Config twoPhase =
        config(2, async)
            .with(SqlOptions.MINI_BATCH_ENABLED, true)
            .with(SqlOptions.MINI_BATCH_ALLOW_LATENCY, java.time.Duration.ofHours(1))
            .with(SqlOptions.MINI_BATCH_SIZE, 100)
            .with(SqlOptions.AGG_PHASE_STRATEGY, "TWO_PHASE");
    String query = "SELECT auction, COUNT(*), SUM(price), MAX(price), MIN(bidder) FROM bids GROUP BY auction";
    String insert = "INSERT INTO results " + query;
    String sink = "CREATE TABLE results (auction BIGINT, n BIGINT, total DECIMAL(38, 2), top DECIMAL(10, 2), first_bidder BIGINT)";
    List<Row> bids = bids(5, 2_000);
    List<Row> expected = h2(query, bids);
    assertThat(Changelogs.difference(run(twoPhase, sink, insert, bids), expected)).isNull();

    try (Aloft aloft = Aloft.create(twoPhase)) {
      assertThat(bidsInto(aloft, sink, bids, new ArrayList<>()).explain(insert)).contains("in two phases");
    }
    // 1,050 rows: the local phase holds the last 50 when the checkpoint comes
    List<Row> restored = checkpointedAndRestored(twoPhase, twoPhase.with(AloftSql.PARALLELISM, 3), sink, insert, bids, 1_050);
    assertThat(Changelogs.difference(restored, expected)).isNull();
  }

  /**
   * Seeded random bids, a random mini-batch size and parallelism, async or sync, through a two-phase
   * aggregate, checkpointed at a random row and restored at another parallelism: always H2's answer.
   */
  @Test
  void twoPhaseAggregatesOfRandomInputsAgreeWithH2AcrossRestores() {
    for (int c = 0; c < OracleCheck.cases(10); c++) {
      long seed = OracleCheck.baseSeed() + 7_000 + c;
      Random random = new Random(seed);
      int p = 1 + random.nextInt(3);
      Config twoPhase =
          config(p, random.nextBoolean())
              .with(SqlOptions.MINI_BATCH_ENABLED, true)
              .with(SqlOptions.MINI_BATCH_ALLOW_LATENCY, java.time.Duration.ofHours(1))
              .with(SqlOptions.MINI_BATCH_SIZE, 1 + random.nextInt(300))
              .with(SqlOptions.AGG_PHASE_STRATEGY, "TWO_PHASE");
      String query = "SELECT bidder, COUNT(*), SUM(price), MIN(price), COUNT(auction) FROM bids GROUP BY bidder";
      String insert = "INSERT INTO results " + query;
      String sink = "CREATE TABLE results (bidder BIGINT, n BIGINT, total DECIMAL(38, 2), low DECIMAL(10, 2), auctions BIGINT)";
      List<Row> bids = bids(seed, 300 + random.nextInt(1_500));
      int at = random.nextInt(bids.size());
      List<Row> restored =
          checkpointedAndRestored(twoPhase, twoPhase.with(AloftSql.PARALLELISM, 1 + random.nextInt(3)), sink, insert, bids, at);
      assertThat(Changelogs.difference(restored, h2(query, bids)))
          .as("seed %d: %s, restored at row %d", seed, twoPhase.asMap(), at)
          .isNull();
    }
  }

  @Test
  void anAggregateWhoseAccumulatorsDoNotMergeRunsInOnePhase() {
    try (Aloft aloft =
        Aloft.create(
            Config.empty()
                .with(SqlOptions.MINI_BATCH_ENABLED, true)
                .with(SqlOptions.MINI_BATCH_ALLOW_LATENCY, java.time.Duration.ofSeconds(1))
                .with(SqlOptions.MINI_BATCH_SIZE, 100)
                .with(SqlOptions.AGG_PHASE_STRATEGY, "TWO_PHASE"))) {
      AloftSql sql = AloftSql.create(aloft);
      sql.executeSql(BIDS);
      sql.executeSql("CREATE TABLE results (a BIGINT, b BIGINT)");
      assertThat(sql.explain("INSERT INTO results SELECT auction, COUNT(DISTINCT bidder) FROM bids GROUP BY auction"))
          .contains("in one phase");
    }
    try (Aloft aloft = Aloft.create(Config.empty().with(SqlOptions.AGG_PHASE_STRATEGY, "THREE_PHASE"))) {
      assertThatThrownBy(() -> AloftSql.create(aloft))
          .isInstanceOf(io.aloft.config.ConfigException.class)
          .hasMessageContaining("table.optimizer.agg-phase-strategy");
    }
  }

  private static void refused(String ddlOrInsert, String message, int line, int column) {
    try (Aloft aloft = Aloft.create(Config.empty())) {
      AloftSql sql = AloftSql.create(aloft);
      sql.executeSql(BIDS);
      sql.executeSql(AUCTIONS);
      sql.executeSql("CREATE TABLE results (a BIGINT, b BIGINT)");
      assertThatThrownBy(
              () -> {
                if (ddlOrInsert.startsWith("CREATE")) {
                  sql.executeSql(ddlOrInsert);
                } else {
                  sql.explain(ddlOrInsert);
                }
              })
          .isInstanceOf(SqlPlanningException.class)
          .hasMessageContaining(message)
          .satisfies(
              e -> {
                SqlPlanningException p = (SqlPlanningException) e;
                assertThat(p.line()).as("line of %s", p.getMessage()).isEqualTo(line);
                assertThat(p.column()).as("column of %s", p.getMessage()).isEqualTo(column);
              });
    }
  }

  @Test
  void whatAloftCannotRunIsRefusedNamingTheConstructAndWhereItIs() {
    refused(
        "INSERT INTO results SELECT auction, COUNT(DISTINCT bidder) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts),"
            + " INTERVAL '1' MINUTE)) GROUP BY auction, window_start, window_end",
        "DISTINCT aggregates are not supported in window aggregates",
        1,
        37);
    refused("INSERT INTO results SELECT auction, COUNT(*) FROM bids\nGROUP BY auction HAVING COUNT(*) > 1", "HAVING", 2, 25);
    refused("INSERT INTO results SELECT auction, nope FROM bids GROUP BY auction", "unknown column 'nope'", 1, 37);
    refused("INSERT INTO results SELECT auction, bidder FROM bids", "no stateful operator", 1, 21);
    refused(
        "INSERT INTO results SELECT b.auction, c.id FROM bids b JOIN auctions a ON b.auction = a.id JOIN auctions c ON a.id = c.id",
        "one join per query",
        1,
        92);
    refused("INSERT INTO results SELECT auction, COUNT(*) FROM bids GROUP BY auction ORDER BY auction", "ORDER BY", 1, 82);
    refused("INSERT INTO results SELEC auction FROM bids", "syntax error", 1, 21);
    refused("INSERT INTO results SELECT auction, COUNT(*) FROM nowhere GROUP BY auction", "unknown table 'nowhere'", 1, 51);
    refused(
        "INSERT INTO results SELECT auction, COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bidder), INTERVAL '1' MINUTE)) GROUP BY auction, window_start, window_end",
        "event time",
        1,
        87);
    refused("CREATE TABLE t (a BIGINT, b FLOAT)", "unsupported type FLOAT", 1, 29);
    refused("CREATE TABLE t (a BIGINT,\n  b TIMESTAMP(9))", "TIMESTAMP(9)", 2, 5);
    refused("CREATE TABLE t (a BIGINT) WITH ('connector' = 'kafka')", "WITH clause is not supported", 1, 27);
  }
}
