package io.aloft.samples.sql;

import io.aloft.config.AloftOptions;
import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.Checkpoint;
import io.aloft.spi.fs.Location;
import io.aloft.sql.AloftSql;
import io.aloft.sql.Row;
import io.aloft.sql.SqlJob;
import io.aloft.sql.SqlOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL sample: Nexmark's hot-auctions query (q5's counting stage) as SQL text — bids per auction in
 * hopping ten-second windows that slide every two seconds, with the highest bid — over {@value #BIDS}
 * generated bids, on the backend and settings {@code sql.yaml} selects (async state, two subtasks).
 * Half way through it checkpoints and closes the job, restores it at three subtasks from the
 * checkpoint, and finishes the stream; then it checks every window's count against a plain Java count
 * of the same bids. Prints what it did and how long each step took.
 *
 * <p>Run it on the module path (see the README): {@code java --module-path … --module
 * io.aloft.samples/io.aloft.samples.sql.HotAuctions sql.yaml}.
 */
public final class HotAuctions {
  static final int BIDS = 200_000;
  static final String QUERY =
      "INSERT INTO hot_auctions\n"
          + "SELECT auction, window_start, window_end, COUNT(*) AS num, MAX(price) AS top_price\n"
          + "FROM TABLE(HOP(TABLE bid, DESCRIPTOR(date_time), INTERVAL '2' SECOND, INTERVAL '10' SECOND))\n"
          + "GROUP BY auction, window_start, window_end";

  private HotAuctions() {}

  /** A window's result: bids counted and the highest. */
  record Result(long count, long top) {}

  public static void main(String[] args) throws Exception {
    Path configFile = Path.of(args.length > 0 ? args[0] : "sql.yaml");
    Config config = Config.fromYaml(configFile);
    Nexmark nexmark = new Nexmark(42, 1, 1_000, 500);
    Map<List<Object>, Result> results = new HashMap<>();
    long start = System.nanoTime();
    Checkpoint checkpoint;
    try (Aloft aloft = Aloft.create(config)) {
      Location checkpoints = Location.of(config.get(AloftOptions.CHECKPOINTING_DIR));
      aloft.fileSystem(checkpoints).deleteRecursively(checkpoints); // a fresh run each time
      AloftSql sql = sql(aloft, nexmark, results);
      System.out.printf(
          "Aloft SQL sample: Nexmark hot auctions over %,d bids; backend '%s', async state %s, %d subtasks%n%s%n"
              + "plan:%n  %s%n",
          BIDS,
          aloft.backendType(),
          config.get(SqlOptions.ASYNC_STATE_ENABLED),
          config.get(AloftSql.PARALLELISM),
          QUERY,
          sql.explain(QUERY).replace("\n", "\n  "));
      long t = System.nanoTime();
      try (SqlJob job = sql.createJob(QUERY)) {
        job.runUntil(BIDS / 2);
        checkpoint = job.checkpoint();
        System.out.printf(
            "read %,d bids, %,d window results so far; checkpoint %d at input position %d (%s)%n",
            job.position(), results.size(), checkpoint.id(), checkpoint.inputPosition().orElseThrow(), since(t));
      }
    }
    // The sink keeps what the job emitted up to the checkpoint: windows that fired before it.
    int restoredParallelism = config.get(AloftSql.PARALLELISM) + 1;
    try (Aloft aloft = Aloft.create(config.with(AloftSql.PARALLELISM, restoredParallelism))) {
      AloftSql sql = sql(aloft, nexmark, results);
      long t = System.nanoTime();
      try (SqlJob job = sql.restoreJob(QUERY, checkpoint.location())) {
        System.out.printf(
            "restored %s at %d subtasks, resuming the bids at %,d (%s)%n",
            checkpoint.location().fileName(), restoredParallelism, job.position(), since(t));
        t = System.nanoTime();
        job.run();
        System.out.printf(
            "read the other %,d bids and ended the input (%s); late rows dropped: %d%n",
            BIDS - BIDS / 2, since(t), job.lateRecordsDropped());
      }
    }
    Map.Entry<List<Object>, Result> busiest =
        results.entrySet().stream().max(Map.Entry.comparingByValue((a, b) -> Long.compare(a.count(), b.count()))).orElseThrow();
    System.out.printf(
        "%,d window results; the busiest: auction %s in [%s, %s) with %d bids, top bid %d%n",
        results.size(), busiest.getKey().get(0), busiest.getKey().get(1), busiest.getKey().get(2), busiest.getValue().count(), busiest.getValue().top());
    Map<List<Object>, Result> expected = expected(nexmark);
    if (!expected.equals(results)) {
      System.out.printf("MISMATCH: %d windows expected, %d computed%n", expected.size(), results.size());
      System.exit(1);
    }
    System.out.printf("verified: every window equals a plain Java count of the same bids (%s in all)%n", since(start));
  }

  private static AloftSql sql(Aloft aloft, Nexmark nexmark, Map<List<Object>, Result> results) {
    AloftSql sql = AloftSql.create(aloft);
    sql.executeSql(Nexmark.BID_DDL);
    sql.executeSql(
        "CREATE TABLE hot_auctions (auction BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3),"
            + " num BIGINT, top_price BIGINT)");
    sql.registerSource("bid", nexmark.bids(BIDS));
    sql.registerSink(
        "hot_auctions",
        row -> {
          Result previous = results.put(List.of(row.get(0), row.get(1), row.get(2)), new Result((Long) row.get(3), (Long) row.get(4)));
          if (previous != null) {
            throw new IllegalStateException("a window emitted twice: " + row);
          }
        });
    return sql;
  }

  /** The same windows counted in plain Java. */
  static Map<List<Object>, Result> expected(Nexmark nexmark) {
    long slide = Duration.ofSeconds(2).toMillis();
    long size = Duration.ofSeconds(10).toMillis();
    Map<List<Object>, Result> expected = new HashMap<>();
    for (Row bid : nexmark.bids(BIDS)) {
      long t = ((LocalDateTime) bid.get(4)).toInstant(ZoneOffset.UTC).toEpochMilli();
      for (long end = Math.floorDiv(t, slide) * slide + slide; end < t + size + 1 && end - size <= t; end += slide) {
        List<Object> key = List.of(bid.get(0), at(end - size), at(end));
        Result r = expected.get(key);
        long price = (Long) bid.get(2);
        expected.put(key, r == null ? new Result(1, price) : new Result(r.count() + 1, Math.max(r.top(), price)));
      }
    }
    return expected;
  }

  private static LocalDateTime at(long millis) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), (int) Math.floorMod(millis, 1000) * 1_000_000, ZoneOffset.UTC);
  }

  private static String since(long startNanos) {
    return String.format("%,d ms", (System.nanoTime() - startNanos) / 1_000_000);
  }
}
