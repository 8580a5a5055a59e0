package io.aloft.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Append-only Top-N and Top-1, with and without the rank number, async and sync, against H2. */
class TopNTest {

  @TempDir Path dir;

  static final Schema INPUT =
      Schema.builder()
          .column("k", SqlType.bigint().notNull())
          .column("price", SqlType.bigint().notNull())
          .column("name", SqlType.varchar())
          .column("seq", SqlType.bigint().notNull())
          .build();

  @Test
  void withoutRankNumbersARowThatEntersPushesTheLastOneOut() {
    TopN op = TopN.builder(INPUT).partitionBy("k").orderByDesc("price").limit(2).build();
    List<Row> input =
        List.of(
            Row.of(1L, 10L, "a", 0L),
            Row.of(1L, 20L, "b", 1L),
            Row.of(1L, 5L, "c", 2L), // not in the top 2
            Row.of(1L, 15L, "d", 3L));
    assertThat(OracleCheck.run(dir, op, "forst", true, input, 1, -1, 1))
        .containsExactly(
            Row.of(1L, 10L, "a", 0L),
            Row.of(1L, 20L, "b", 1L),
            Row.ofKind(RowKind.DELETE, 1L, 10L, "a", 0L),
            Row.of(1L, 15L, "d", 3L));
  }

  @Test
  void withRankNumbersEveryRankThatChangesIsUpdated() {
    TopN op = TopN.builder(INPUT).partitionBy("k").orderByDesc("price").limit(2).withRankNumber().build();
    assertThat(op.outputSchema().column(4).name()).isEqualTo("rn");
    List<Row> input = List.of(Row.of(1L, 10L, "a", 0L), Row.of(1L, 20L, "b", 1L), Row.of(1L, 10L, "c", 2L));
    assertThat(OracleCheck.run(dir, op, "hashmap", false, input, 1, -1, 1))
        .containsExactly(
            Row.of(1L, 10L, "a", 0L, 1L),
            Row.ofKind(RowKind.UPDATE_BEFORE, 1L, 10L, "a", 0L, 1L),
            Row.ofKind(RowKind.UPDATE_AFTER, 1L, 20L, "b", 1L, 1L),
            Row.of(1L, 10L, "a", 0L, 2L)); // "c" ties with "a" and ranks after it: out
  }

  @Test
  void aTopNWithoutOrderOrWithNBelowOneIsRefused() {
    assertThatThrownBy(() -> TopN.builder(INPUT).partitionBy("k").build()).hasMessageContaining("ORDER BY");
    assertThatThrownBy(() -> TopN.builder(INPUT).limit(0)).hasMessageContaining("N >= 1");
    assertThatThrownBy(() -> TopN.builder(INPUT).orderByAsc("nope")).hasMessageContaining("no column 'nope'");
  }

  @Test
  void randomInputsAgreeWithH2AndAsyncEqualsSync() {
    for (int c = 0; c < OracleCheck.cases(24); c++) {
      long seed = OracleCheck.baseSeed() + 2_000 + c;
      Random random = new Random(seed);
      int n = random.nextInt(3) == 0 ? 1 : 1 + random.nextInt(5);
      boolean rank = random.nextBoolean();
      boolean descending = random.nextBoolean();
      int keys = 1 + random.nextInt(30);
      int prices = 1 + random.nextInt(50); // few prices give many ties
      AtomicLong seq = new AtomicLong();
      List<Row> input =
          RandomChangelog.generate(
              random,
              100 + random.nextInt(300),
              false,
              r -> Row.of(RandomChangelog.skewedKey(r, keys), (long) r.nextInt(prices), "n" + r.nextInt(100), seq.getAndIncrement()));
      TopN.Builder b = TopN.builder(INPUT).partitionBy("k").limit(n);
      b = descending ? b.orderByDesc("price") : b.orderByAsc("price");
      TopN op = (rank ? b.withRankNumber() : b).build();
      String oracle =
          "SELECT k, price, name, seq" + (rank ? ", rn" : "")
              + " FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY k ORDER BY price "
              + (descending ? "DESC" : "ASC") + ", seq ASC) AS rn FROM t) WHERE rn <= " + n;
      OracleCheck.check(dir, op, input, oracle, seed, random);
    }
  }
}
