package io.aloft.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.KeyedCoJob;
import io.aloft.process.KeyedJob;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code table.exec.state.ttl} on the operators that keep state per key for good (the group aggregate
 * has its own test): state not written for longer than the TTL is gone, and the operator starts over
 * for that key, async and sync.
 */
class StateTtlTest {

  @TempDir Path dir;

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

  private Config config(boolean async) {
    return ChangelogRun.config(dir, "forst", async).with(SqlOptions.STATE_TTL, Duration.ofMinutes(1));
  }

  private void idle() {
    now.addAndGet(Duration.ofMinutes(2).toMillis());
  }

  private List<Row> runOneInput(SqlOperator op, boolean async, List<Row> before, List<Row> after) {
    Config config = config(async);
    ChangelogRun.Recorder out = new ChangelogRun.Recorder();
    try (Aloft aloft = Aloft.create(config);
        KeyedJob<Row, Row> job =
            aloft
                .<Row, Row, Row>keyedJob(() -> op.newFunction(config))
                .keySelector(op.keySelector())
                .keySerializer(op.keySerializer())
                .clock(clock)
                .output(out)
                .build()) {
      before.forEach(job::processElement);
      job.drain();
      idle();
      after.forEach(job::processElement);
      job.drain();
    }
    return out.rows;
  }

  static LocalDateTime at(long second) {
    return LocalDateTime.of(2026, 12, 5, 0, 0).plusSeconds(second);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aDeduplicationForgetsAKeysRowOnceItExpired(boolean async) {
    Deduplicate op = Deduplicate.builder(DeduplicateTest.INPUT).partitionBy("k").keepFirstRow().build();
    List<Row> out =
        runOneInput(op, async, List.of(Row.of(1L, "a", at(10), 0L)), List.of(Row.of(1L, "b", at(20), 1L)));
    // without the TTL "b" (later) would be dropped: the kept row expired, so "b" is the first again
    assertThat(out).containsExactly(Row.of(1L, "a", at(10), 0L), Row.of(1L, "b", at(20), 1L));
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aTopNForgetsAKeysRowsOnceTheyExpired(boolean async) {
    TopN op = TopN.builder(TopNTest.INPUT).partitionBy("k").orderByDesc("price").limit(1).build();
    List<Row> out =
        runOneInput(op, async, List.of(Row.of(1L, 100L, "a", 0L)), List.of(Row.of(1L, 5L, "b", 1L)));
    // without the TTL 5 would not beat 100
    assertThat(out).containsExactly(Row.of(1L, 100L, "a", 0L), Row.of(1L, 5L, "b", 1L));
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aJoinForgetsASidesRowsOnceTheyExpired(boolean async) {
    Join join = Join.builder(JoinType.INNER, JoinTest.LEFT, JoinTest.RIGHT).on("k", "k").build();
    Config config = config(async);
    ChangelogRun.Recorder out = new ChangelogRun.Recorder();
    try (Aloft aloft = Aloft.create(config);
        KeyedCoJob<Row, Row, Row> job =
            aloft
                .<Row, Row, Row, Row>keyedCoJob(() -> join.newFunction(config))
                .keySelector1(join.leftKeySelector())
                .keySelector2(join.rightKeySelector())
                .keySerializer(join.keySerializer())
                .clock(clock)
                .output(out)
                .build()) {
      job.processElement1(Row.of(1L, 7L, "x"));
      job.processElement2(Row.of(10L, 7L, 100L));
      job.drain();
      idle();
      job.processElement2(Row.of(11L, 7L, 200L)); // the left row expired: nothing to join with
      job.drain();
    }
    assertThat(out.rows).containsExactly(Row.of(1L, 7L, "x", 10L, 7L, 100L));
  }
}
