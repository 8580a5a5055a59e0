package io.aloft.sql;

import io.aloft.config.Config;
import io.aloft.config.ConfigOption;
import io.aloft.engine.Aloft;
import io.aloft.spi.fs.Location;
import io.aloft.sql.planner.Ddl;
import io.aloft.sql.planner.Parsing;
import io.aloft.sql.planner.Plan;
import io.aloft.sql.planner.Planner;
import io.aloft.sql.planner.TableDefinition;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * SQL text on Aloft's keyed-job runtime, in Flink's dialect: {@code CREATE TABLE} defines tables whose
 * rows come from Java iterables ({@link #registerSource}) and go to Java consumers ({@link
 * #registerSink}); {@code INSERT INTO sink SELECT …} is planned onto one stateful operator (a group
 * aggregate, a window aggregate, a Top-N or deduplication, a join or a window join) with projections and
 * filters around it, and runs as a keyed job at {@code parallelism.default} with the job's checkpoints
 * and restore. Statements are parsed by Apache Calcite's parser; what Aloft cannot run fails with a
 * {@link SqlPlanningException} naming the construct and its line and column.
 *
 * <pre>{@code
 * AloftSql sql = AloftSql.create(aloft);
 * sql.executeSql("CREATE TABLE bids (auction BIGINT, price BIGINT, ts TIMESTAMP(3),"
 *     + " WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)");
 * sql.executeSql("CREATE TABLE top (auction BIGINT, price BIGINT)");
 * sql.registerSource("bids", rows);
 * sql.registerSink("top", row -> System.out.println(row));
 * try (SqlJob job = sql.createJob("INSERT INTO top SELECT auction, MAX(price) FROM bids GROUP BY auction")) {
 *   job.run();
 * }
 * }</pre>
 */
public final class AloftSql {

  /** {@code parallelism.default}: the parallelism of the jobs statements run as (Flink's key). */
  public static final ConfigOption<Integer> PARALLELISM =
      ConfigOption.integer("parallelism.default", 1, 1, "Parallelism of the keyed jobs SQL statements run as.");

  private final Aloft aloft;
  private final Config config;
  private final Map<String, TableDefinition> tables = new LinkedHashMap<>();
  private final Map<String, Iterable<Row>> sources = new LinkedHashMap<>();
  private final Map<String, Boolean> changelog = new LinkedHashMap<>();
  private final Map<String, Consumer<Row>> sinks = new LinkedHashMap<>();

  private AloftSql(Aloft aloft) {
    this.aloft = aloft;
    this.config = aloft.config();
    SqlOptions.check(config);
    config.get(PARALLELISM);
  }

  /**
   * SQL over {@code aloft}: its configuration's {@code table.*} keys and {@code parallelism.default}
   * apply to every statement.
   *
   * @throws io.aloft.config.ConfigException naming a key whose value is wrong
   */
  public static AloftSql create(Aloft aloft) {
    return new AloftSql(Objects.requireNonNull(aloft, "aloft"));
  }

  /**
   * Runs a {@code CREATE TABLE}.
   *
   * @throws SqlPlanningException for any other statement, a table defined twice, or a definition Aloft
   *     does not support, naming where
   */
  public void executeSql(String statement) {
    if (!Ddl.isCreateTable(statement)) {
      throw new SqlPlanningException(
          "executeSql runs CREATE TABLE; run INSERT INTO … with createJob", 1, 1);
    }
    TableDefinition t = Ddl.createTable(statement);
    String key = t.name().toLowerCase(Locale.ROOT);
    if (tables.containsKey(key)) {
      throw new SqlPlanningException("table '" + t.name() + "' is already defined", 1, 1);
    }
    tables.put(key, t);
  }

  /** The columns of a defined table. */
  public Schema tableSchema(String table) {
    return definition(table).schema();
  }

  private TableDefinition definition(String table) {
    TableDefinition t = tables.get(table.toLowerCase(Locale.ROOT));
    if (t == null) {
      throw new IllegalArgumentException("unknown table '" + table + "'; defined: " + tables.keySet());
    }
    return t;
  }

  /**
   * The rows of {@code table}: insert-only ({@code +I}); a job reads them from the start (or from a
   * restored checkpoint's position), so the iterable must give the same rows each time.
   */
  public void registerSource(String table, Iterable<Row> rows) {
    definition(table);
    sources.put(table.toLowerCase(Locale.ROOT), Objects.requireNonNull(rows, "rows"));
    changelog.put(table.toLowerCase(Locale.ROOT), false);
  }

  /** As {@link #registerSource}, for a changelog: rows of any {@link RowKind}. */
  public void registerChangelogSource(String table, Iterable<Row> rows) {
    registerSource(table, rows);
    changelog.put(table.toLowerCase(Locale.ROOT), true);
  }

  /** Where {@code table}'s rows go: the changelog a statement writes into it, one call at a time. */
  public void registerSink(String table, Consumer<Row> sink) {
    definition(table);
    sinks.put(table.toLowerCase(Locale.ROOT), Objects.requireNonNull(sink, "sink"));
  }

  /**
   * Plans {@code INSERT INTO sink SELECT …} and starts it as a keyed job.
   *
   * @throws SqlPlanningException naming what cannot run and where
   */
  public SqlJob createJob(String insert) {
    return start(insert, null);
  }

  /**
   * As {@link #createJob}, restoring from a checkpoint of the same statement: the job resumes each
   * source at the checkpoint's position, at this {@code parallelism.default}.
   */
  public SqlJob restoreJob(String insert, Location checkpoint) {
    return start(insert, Objects.requireNonNull(checkpoint, "checkpoint"));
  }

  /** The plan {@code insert} runs as, in words. */
  public String explain(String insert) {
    return plan(insert).explain();
  }

  private Plan plan(String insert) {
    if (Ddl.isCreateTable(insert)) {
      throw new SqlPlanningException("CREATE TABLE goes to executeSql", 1, 1);
    }
    return new Planner(tables, changelog, config).plan(Parsing.statement(insert));
  }

  private SqlJob start(String insert, Location checkpoint) {
    Plan plan = plan(insert);
    for (TableDefinition t : plan.sources()) {
      if (!sources.containsKey(t.name().toLowerCase(Locale.ROOT))) {
        throw new SqlPlanningException(
            "no rows registered for source '" + t.name() + "': call registerSource", 1, 1);
      }
    }
    Consumer<Row> sink = sinks.get(plan.sink().name().toLowerCase(Locale.ROOT));
    if (sink == null) {
      throw new SqlPlanningException(
          "no consumer registered for sink '" + plan.sink().name() + "': call registerSink", 1, 1);
    }
    return new SqlJob(
        aloft,
        config,
        config.get(PARALLELISM),
        plan,
        plan.sources().stream().map(t -> sources.get(t.name().toLowerCase(Locale.ROOT))).toList(),
        sink,
        checkpoint);
  }
}
