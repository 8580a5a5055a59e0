package io.aloft.sql;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.ConfigOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The configuration keys of Aloft's SQL operators. They carry Flink's names and defaults; {@link
 * #check(Config)} checks their values and how they combine.
 */
public final class SqlOptions {

  private SqlOptions() {}

  /**
   * {@code table.exec.async-state.enabled}: the operators read and write state with State V2's
   * asynchronous calls (many records in flight) instead of blocking ones. Off by default, as in Flink.
   */
  public static final ConfigOption<Boolean> ASYNC_STATE_ENABLED =
      ConfigOption.bool(
          "table.exec.async-state.enabled",
          false,
          "Run the stateful SQL operators on asynchronous state access (State V2) instead of blocking calls.");

  /**
   * {@code table.exec.state.ttl}: state not written for this long expires and is no longer read (a
   * group's accumulator, a join side's rows); 0, the default, keeps state forever.
   */
  public static final ConfigOption<Duration> STATE_TTL =
      ConfigOption.duration(
          "table.exec.state.ttl",
          Duration.ZERO,
          "Idle state retention of the SQL operators: state not written for this long expires; 0 keeps it.");

  /**
   * {@code table.exec.mini-batch.enabled}: the group aggregate buffers its input per key and applies a
   * key's buffered rows with one state read and one write, emitting the net change; on async state too
   * (Flink falls back to sync for it). Needs {@link #MINI_BATCH_ALLOW_LATENCY} and {@link #MINI_BATCH_SIZE}.
   */
  public static final ConfigOption<Boolean> MINI_BATCH_ENABLED =
      ConfigOption.bool(
          "table.exec.mini-batch.enabled",
          false,
          "Buffer the group aggregate's input and apply each key's rows at once (one state read and write per key).");

  /** {@code table.exec.mini-batch.allow-latency}: the longest a buffered row waits (processing time). */
  public static final ConfigOption<Duration> MINI_BATCH_ALLOW_LATENCY =
      ConfigOption.duration(
          "table.exec.mini-batch.allow-latency",
          Duration.ZERO,
          "Longest time a row waits in the mini-batch buffer; must be positive when mini-batch is on.");

  /** {@code table.exec.mini-batch.size}: rows buffered before a flush. */
  public static final ConfigOption<Integer> MINI_BATCH_SIZE =
      ConfigOption.integer(
          "table.exec.mini-batch.size",
          null,
          1,
          "Most rows the mini-batch buffer holds before it is applied; required when mini-batch is on.");

  /**
   * {@code table.optimizer.agg-phase-strategy}: {@code AUTO} (the default) and {@code TWO_PHASE} split a
   * group aggregate into a local pre-aggregation on the input's thread and a global, keyed one when
   * mini-batch is on and the accumulators merge (no DISTINCT, no MIN/MAX over a retracting input);
   * {@code ONE_PHASE} never does. As in Flink, a plan that cannot be split runs in one phase.
   */
  public static final ConfigOption<String> AGG_PHASE_STRATEGY =
      ConfigOption.string(
          "table.optimizer.agg-phase-strategy",
          "AUTO",
          "AUTO or TWO_PHASE: split a group aggregate into a local and a global phase when mini-batch is on and"
              + " its accumulators merge; ONE_PHASE: never.");

  /** The keys above. */
  public static List<ConfigOption<?>> all() {
    return List.of(
        ASYNC_STATE_ENABLED, STATE_TTL, MINI_BATCH_ENABLED, MINI_BATCH_ALLOW_LATENCY, MINI_BATCH_SIZE, AGG_PHASE_STRATEGY);
  }

  /** Whether {@code config} asks for two-phase group aggregates (mini-batch on, strategy not ONE_PHASE). */
  public static boolean twoPhase(Config config) {
    return config.get(MINI_BATCH_ENABLED)
        && !config.get(AGG_PHASE_STRATEGY).trim().equalsIgnoreCase("ONE_PHASE");
  }

  /**
   * Checks the {@code table.*} keys of {@code config}: bad values of the keys above fail naming the key,
   * and the Flink keys whose behaviour Aloft does not have yet fail instead of being ignored.
   *
   * @throws ConfigException naming the key
   */
  public static void check(Config config) {
    for (ConfigOption<?> option : all()) {
      config.getOptional(option); // a bad value fails here, naming the key
    }
    if (config.get(MINI_BATCH_ENABLED)) {
      if (config.get(MINI_BATCH_ALLOW_LATENCY).isZero() || config.get(MINI_BATCH_ALLOW_LATENCY).isNegative()) {
        throw new ConfigException(
            MINI_BATCH_ALLOW_LATENCY.key(),
            "'" + MINI_BATCH_ALLOW_LATENCY.key() + "' must be positive when '" + MINI_BATCH_ENABLED.key() + "' is true");
      }
      if (config.getOptional(MINI_BATCH_SIZE).isEmpty()) {
        throw new ConfigException(
            MINI_BATCH_SIZE.key(),
            "'" + MINI_BATCH_SIZE.key() + "' must be set (a positive number of rows) when '" + MINI_BATCH_ENABLED.key()
                + "' is true");
      }
    }
    String strategy = config.get(AGG_PHASE_STRATEGY).trim().toUpperCase(Locale.ROOT);
    if (!List.of("AUTO", "ONE_PHASE", "TWO_PHASE").contains(strategy)) {
      throw new ConfigException(
          AGG_PHASE_STRATEGY.key(),
          "'" + AGG_PHASE_STRATEGY.key() + "' is '" + config.get(AGG_PHASE_STRATEGY) + "': expected AUTO, ONE_PHASE or TWO_PHASE");
    }
  }
}
