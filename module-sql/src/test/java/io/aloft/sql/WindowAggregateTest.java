package io.aloft.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TUMBLE, HOP and CUMULATE window aggregates on event time, async and sync, against H2. */
class WindowAggregateTest {

  @TempDir Path dir;

  static final Schema INPUT =
      Schema.builder()
          .column("k", SqlType.bigint().notNull())
          .column("a", SqlType.bigint())
          .column("ts", SqlType.timestamp().notNull())
          .rowtime("ts")
          .build();

  static final Schema WINDOWS =
      Schema.builder().column("ws", SqlType.timestamp().notNull()).column("we", SqlType.timestamp().notNull()).build();

  static LocalDateTime at(long millis) {
    return LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  static long millis(Row row) {
    return ((LocalDateTime) row.get(2)).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  static WindowAggregate aggregate(Window window) {
    return WindowAggregate.builder(INPUT)
        .groupBy("k")
        .window(window)
        .aggregate(
            AggregateCall.countStar().as("n"),
            AggregateCall.sum("a"),
            AggregateCall.min("a"),
            AggregateCall.max("a"),
            AggregateCall.avg("a"))
        .build();
  }

  static final String ORACLE =
      "SELECT t.k, w.ws, w.we, COUNT(*), SUM(t.a), MIN(t.a), MAX(t.a), TRUNC(CAST(SUM(t.a) AS DOUBLE PRECISION) / COUNT(t.a))"
          + " FROM t JOIN w ON t.ts >= w.ws AND t.ts < w.we GROUP BY t.k, w.ws, w.we";

  /** Every window of {@code window} that may hold a time in {@code [from, to]}. */
  static List<Row> windows(Window window, long from, long to) {
    List<Row> all = new ArrayList<>();
    long slide = window.slide();
    long size = window.size();
    switch (window.kind()) {
      case TUMBLE, HOP -> {
        for (long end = Math.floorDiv(from, slide) * slide + slide; end - size <= to; end += slide) {
          all.add(Row.of(at(end - size), at(end)));
        }
      }
      case CUMULATE -> {
        for (long start = Math.floorDiv(from, size) * size; start <= to; start += size) {
          for (long end = start + slide; end <= start + size; end += slide) {
            all.add(Row.of(at(start), at(end)));
          }
        }
      }
    }
    return all;
  }

  @Test
  void aTumblingWindowFiresOnceTheWatermarkPassesItsEndAndLateRowsAreDroppedAndCounted() {
    WindowAggregate op = aggregate(Window.tumble(Duration.ofSeconds(10)));
    List<Row> input =
        List.of(
            Row.of(1L, 1L, at(1_000)),
            Row.of(1L, 2L, at(9_999)),
            Row.of(1L, 3L, at(10_000)), // the next window
            Row.of(1L, 4L, at(2_000))); // late: the watermark (10 000) passed the first window's end
    Map<Integer, Long> watermarks = Map.of(3, 10_000L);
    List<Row> out = OracleCheck.run(dir, op, "forst", true, input, watermarks, 1, -1, 1);
    assertThat(out)
        .containsExactly(
            Row.of(1L, at(0), at(10_000), 2L, 3L, 1L, 2L, 1L),
            Row.of(1L, at(10_000), at(20_000), 1L, 3L, 3L, 3L, 3L));
    assertThat(op.lateRecordsDropped()).isEqualTo(1);
  }

  @Test
  void hoppingAndCumulatingWindowsShareTheirSlices() {
    List<Row> input = List.of(Row.of(7L, 1L, at(1_000)), Row.of(7L, 10L, at(6_000)));
    WindowAggregate hop = aggregate(Window.hop(Duration.ofSeconds(5), Duration.ofSeconds(10)));
    assertThat(OracleCheck.run(dir.resolve("hop"), hop, "hashmap", false, input, 1, -1, 1))
        .containsExactly(
            Row.of(7L, at(-5_000), at(5_000), 1L, 1L, 1L, 1L, 1L),
            Row.of(7L, at(0), at(10_000), 2L, 11L, 1L, 10L, 5L),
            Row.of(7L, at(5_000), at(15_000), 1L, 10L, 10L, 10L, 10L));
    WindowAggregate cumulate =
        aggregate(Window.cumulate(Duration.ofSeconds(5), Duration.ofSeconds(10)));
    assertThat(OracleCheck.run(dir.resolve("cumulate"), cumulate, "hashmap", true, input, 1, -1, 1))
        .containsExactly(
            Row.of(7L, at(0), at(5_000), 1L, 1L, 1L, 1L, 1L),
            Row.of(7L, at(0), at(10_000), 2L, 11L, 1L, 10L, 5L));
  }

  @Test
  void aWindowWhoseSlideDoesNotDivideItsSizeOrAnInputWithoutEventTimeIsRefused() {
    assertThatThrownBy(() -> Window.hop(Duration.ofSeconds(3), Duration.ofSeconds(10)))
        .hasMessageContaining("divide");
    assertThatThrownBy(() -> WindowAggregate.builder(INPUT.project(0, 1))).hasMessageContaining("event-time");
  }

  @Test
  void randomInputsAgreeWithH2AndAsyncEqualsSync() {
    for (int c = 0; c < OracleCheck.cases(30); c++) {
      long seed = OracleCheck.baseSeed() + 3_000 + c;
      Random random = new Random(seed);
      Window window =
          switch (c % 3) {
            case 0 -> Window.tumble(Duration.ofSeconds(1 + random.nextInt(10)));
            case 1 -> {
              long slide = 1 + random.nextInt(5);
              yield Window.hop(Duration.ofSeconds(slide), Duration.ofSeconds(slide * (1 + random.nextInt(4))));
            }
            default -> {
              long step = 1 + random.nextInt(5);
              yield Window.cumulate(Duration.ofSeconds(step), Duration.ofSeconds(step * (1 + random.nextInt(4))));
            }
          };
      int keys = 1 + random.nextInt(20);
      int rows = 100 + random.nextInt(300);
      long delay = random.nextInt(5_000); // how far behind the newest time the watermark trails
      List<Row> input = new ArrayList<>();
      Map<Integer, Long> watermarks = new HashMap<>();
      List<Row> onTime = new ArrayList<>();
      long watermark = Long.MIN_VALUE;
      long newest = 0;
      for (int i = 0; i < rows; i++) {
        long t = newest + random.nextInt(1_500) - 1_000; // mostly forward, sometimes behind
        newest = Math.max(newest, t);
        if (random.nextInt(4) == 0 && newest - delay > watermark) {
          watermark = newest - delay;
          watermarks.put(i, watermark);
        }
        Row row = Row.of(RandomChangelog.skewedKey(random, keys), random.nextInt(6) == 0 ? null : (long) random.nextInt(100), at(t));
        input.add(row);
        long slice = window.sliceSize();
        long sliceEnd = Math.floorDiv(t, slice) * slice + slice;
        if (sliceEnd - 1 > watermark) {
          onTime.add(row);
        }
      }
      WindowAggregate op = aggregate(window);
      long from = input.stream().mapToLong(WindowAggregateTest::millis).min().orElse(0);
      long to = input.stream().mapToLong(WindowAggregateTest::millis).max().orElse(0);
      List<Row> expected =
          H2Oracle.query(List.of("t", "w"), List.of(INPUT, WINDOWS), List.of(onTime, windows(window, from, to)), ORACLE);
      OracleCheck.check(dir, op, input, watermarks, expected, seed, random);
    }
  }
}
