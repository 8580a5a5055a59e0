package io.aloft.benchmarks;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.engine.testkit.RemoteSchemeFileSystemProvider;
import io.aloft.samples.sql.Nexmark;
import io.aloft.sql.AloftSql;
import io.aloft.sql.SqlJob;
import io.aloft.sql.SqlOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Aloft's SQL operators on Nexmark-shaped data ({@link Nexmark}: bids on {@code auctions} auctions by as
 * many people; 100,000 locally, 10,000 on the remote store), each query as SQL text through {@code AloftSql}, async ({@code
 * table.exec.async-state.enabled: true}) against sync, one subtask:
 *
 * <ul>
 *   <li>{@code q4}: a group aggregate, bids and average price per auction; {@code q4-minibatch} the
 *       same with {@code table.exec.mini-batch.*} (1 s, 1,000 rows, one phase); {@code q4-twophase}
 *       with mini-batch and {@code agg-phase-strategy: TWO_PHASE}; {@code q4-distinct} with {@code
 *       COUNT(DISTINCT bidder)};
 *   <li>{@code q7}: a window aggregate, the highest bid per auction in ten-second tumbling windows;
 *   <li>{@code q18}: a deduplication, each bidder's last bid per auction; {@code q18-bidder} each
 *       bidder's last bid (the same operator over keys that repeat, so that rows read their key's state);
 *   <li>{@code q19}: a Top-N, the three highest bids per auction;
 *   <li>{@code q20}: a join, each bid with its auction's category (auction keyed by its id).
 * </ul>
 *
 * On {@code forst} over {@code local} ({@code file://}, block cache 64 MB) or {@code remote} (the
 * {@code remote://} test store, every read waiting {@code 10 ms}; block cache and file cache off, and a
 * 256 KB memtable so that most reads go to SST files, as in Part 2), or on {@code rocksdb} (local only).
 * The executor strategy is the default {@code threads} locally and {@code virtual} on the remote store
 * ({@code strategy} chooses another).
 * Before measuring, twice as many rows as keys go through an async job, and the measured job restores
 * from its checkpoint (its state is in SST files). One operation reads {@code rows} source rows through the job (100,000 locally, 1,000 on the remote
 * store); records/s = rows / score. Each iteration prints the remote read requests per row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
// Three warm-up operations: after one, the async path (more code for the JIT than the sync one) was
// still speeding up through the measured ones (q20 async 37k -> 70k rows/s over three), which made a
// local async / sync ratio mostly a measure of compilation; after three both have settled (#19).
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class SqlOperatorBenchmark {

  @Param({"q4", "q7", "q18", "q19", "q20"})
  public String query;

  @Param({"async", "sync"})
  public String mode;

  @Param({"local", "remote"})
  public String store;

  @Param("forst")
  public String backend;

  /** Source rows per operation; 0: 100,000 locally, 1,000 on the remote store. */
  @Param("0")
  public int rows;

  /** Auctions (and people): the keys; 0: 100,000 locally, 10,000 on the remote store. */
  @Param("0")
  public int auctions;

  /**
   * The executor strategy ({@code state.backend.forst.executor.strategy}); {@code auto}: the default
   * {@code threads} locally, {@code virtual} (a virtual thread per read, for stores with latency) on the
   * remote store.
   */
  @Param("auto")
  public String strategy;

  private ScratchDir dir;
  private Aloft aloft;
  private SqlJob job;
  private long perOp;
  private long remoteReadsAtStart;
  private long positionAtStart;

  static String statement(String query) {
    return switch (query) {
      case "q4", "q4-minibatch", "q4-twophase" -> "INSERT INTO results SELECT auction, COUNT(*), AVG(price), MAX(price) FROM bid GROUP BY auction";
      case "q4-distinct" -> "INSERT INTO results SELECT auction, COUNT(DISTINCT bidder), AVG(price), MAX(price) FROM bid GROUP BY auction";
      case "q7" ->
          "INSERT INTO results SELECT auction, window_start, window_end, MAX(price)"
              + " FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND))"
              + " GROUP BY auction, window_start, window_end";
      case "q18" ->
          "INSERT INTO results SELECT auction, bidder, price, date_time FROM (SELECT *, ROW_NUMBER() OVER"
              + " (PARTITION BY bidder, auction ORDER BY date_time DESC) AS rn FROM bid) WHERE rn = 1";
      case "q18-bidder" ->
          "INSERT INTO results SELECT auction, bidder, price, date_time FROM (SELECT *, ROW_NUMBER() OVER"
              + " (PARTITION BY bidder ORDER BY date_time DESC) AS rn FROM bid) WHERE rn = 1";
      case "q19" ->
          "INSERT INTO results SELECT auction, bidder, price, rn FROM (SELECT *, ROW_NUMBER() OVER"
              + " (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid) WHERE rn <= 3";
      case "q20" -> "INSERT INTO results SELECT b.auction, b.price, a.category FROM bid b JOIN auction a ON b.auction = a.id";
      default -> throw new IllegalArgumentException("no query " + query);
    };
  }

  static String sink(String query) {
    return switch (query) {
      case "q4", "q4-minibatch", "q4-twophase", "q4-distinct" -> "CREATE TABLE results (auction BIGINT, n BIGINT, average BIGINT, top BIGINT)";
      case "q7" -> "CREATE TABLE results (auction BIGINT, ws TIMESTAMP(3), we TIMESTAMP(3), top BIGINT)";
      case "q18", "q18-bidder" -> "CREATE TABLE results (auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3))";
      case "q19" -> "CREATE TABLE results (auction BIGINT, bidder BIGINT, price BIGINT, rn BIGINT)";
      default -> "CREATE TABLE results (auction BIGINT, price BIGINT, category BIGINT)";
    };
  }

  @Setup(Level.Trial)
  public void setUp() throws java.io.IOException {
    boolean remote = store.equals("remote");
    if (remote && !backend.equals("forst")) {
      throw new IllegalArgumentException("the remote store is for forst (rocksdb keeps its state on local disk)");
    }
    dir = ScratchDir.create("sql-" + query);
    String checkpoints =
        remote
            ? RemoteSchemeFileSystemProvider.locationOf(dir.path().resolve("checkpoints")).toString()
            : "file://" + dir.path().resolve("checkpoints");
    Config config =
        Config.empty()
            .with("state.backend.type", backend)
            .with("execution.checkpointing.dir", checkpoints)
            .with("state.backend.forst.local-dir", dir.path().resolve("local").toString())
            .with("state.backend.forst.cache.policy", remote ? "none" : "lru")
            .with("state.backend.forst.block.cache-size", remote ? "0" : "64mb")
            .with("state.backend.forst.writebuffer.size", remote ? "256kb" : "64mb")
            .with("state.backend.forst.executor.strategy",
                !strategy.equals("auto") ? strategy : remote ? "virtual" : "threads")
            .with(RemoteSchemeFileSystemProvider.READ_LATENCY.key(), remote ? "10 ms" : "0 ms")
            .with(SqlOptions.ASYNC_STATE_ENABLED, mode.equals("async"))
            .with(AloftSql.PARALLELISM, 1);
    if (query.equals("q4-minibatch") || query.equals("q4-twophase")) {
      config =
          config
              .with(SqlOptions.MINI_BATCH_ENABLED, true)
              .with(SqlOptions.MINI_BATCH_ALLOW_LATENCY, java.time.Duration.ofSeconds(1))
              .with(SqlOptions.MINI_BATCH_SIZE, 1_000)
              .with(SqlOptions.AGG_PHASE_STRATEGY, query.equals("q4-twophase") ? "TWO_PHASE" : "ONE_PHASE");
    }
    perOp = rows > 0 ? rows : remote ? 1_000 : 100_000;
    int keys = auctions > 0 ? auctions : remote ? 10_000 : 100_000;
    Nexmark nexmark = new Nexmark(7, 1, keys, keys);
    // State for most keys first, written async (fast on either store), then a checkpoint flushes it to
    // SST files; the measured job, async or sync, restores from it and its rows read that state.
    io.aloft.process.Checkpoint loaded;
    try (Aloft loader = Aloft.create(config.with(SqlOptions.ASYNC_STATE_ENABLED, true));
        SqlJob load = sql(loader, nexmark).createJob(statement(query))) {
      load.runUntil(2L * keys);
      loaded = load.checkpoint();
    }
    aloft = Aloft.create(config);
    job = sql(aloft, nexmark).restoreJob(statement(query), loaded.location());
    remoteReadsAtStart = RemoteSchemeFileSystemProvider.readRequests();
    positionAtStart = job.position();
  }

  private AloftSql sql(Aloft aloft, Nexmark nexmark) {
    AloftSql sql = AloftSql.create(aloft);
    sql.executeSql(Nexmark.BID_DDL);
    sql.executeSql(Nexmark.AUCTION_DDL);
    sql.executeSql(sink(query));
    sql.registerSource("bid", nexmark.bids(Integer.MAX_VALUE));
    sql.registerSource("auction", nexmark.auctions());
    AtomicLong emitted = new AtomicLong();
    sql.registerSink("results", row -> emitted.incrementAndGet());
    return sql;
  }

  @Benchmark
  public long run() {
    return job.runUntil(job.position() + perOp);
  }

  @TearDown(Level.Iteration)
  public void report() {
    long reads = RemoteSchemeFileSystemProvider.readRequests() - remoteReadsAtStart;
    long read = job.position() - positionAtStart;
    System.out.printf(
        "%n  [%s %s %s %s] %,d rows, %,d remote reads (%.2f per row)%n",
        query, mode, backend, store, read, reads, read == 0 ? 0.0 : (double) reads / read);
    remoteReadsAtStart = RemoteSchemeFileSystemProvider.readRequests();
    positionAtStart = job.position();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws java.io.IOException {
    try {
      job.close();
      aloft.close();
    } finally {
      dir.close();
    }
  }
}
