package io.aloft.samples.sql;

import io.aloft.sql.Row;
import java.time.LocalDateTime;
import java.util.AbstractList;
import java.util.SplittableRandom;

/**
 * Nexmark-shaped data (the auction benchmark of Tucker et al., as Flink's nexmark suite generates it):
 * people open auctions, and bidders bid on them. Deterministic: row {@code i} of each table depends on
 * the seed and {@code i} only, so a source re-read after a restore gives the same rows. Event times
 * advance by {@code millisPerEvent} per row, with a little disorder (up to a quarter second), and a few
 * hot auctions and bidders draw most bids, as in Nexmark.
 *
 * <pre>
 * CREATE TABLE person  (id BIGINT NOT NULL, name STRING, city STRING, state STRING, date_time TIMESTAMP(3) NOT NULL, …)
 * CREATE TABLE auction (id BIGINT NOT NULL, seller BIGINT, category BIGINT, initial_bid BIGINT, expires TIMESTAMP(3), date_time TIMESTAMP(3) NOT NULL, …)
 * CREATE TABLE bid     (auction BIGINT NOT NULL, bidder BIGINT NOT NULL, price BIGINT NOT NULL, channel STRING, date_time TIMESTAMP(3) NOT NULL, …)
 * </pre>
 */
public final class Nexmark {

  /** {@code CREATE TABLE bid}, its watermark trailing by one second. */
  public static final String BID_DDL =
      "CREATE TABLE bid (\n"
          + "  auction BIGINT NOT NULL,\n"
          + "  bidder BIGINT NOT NULL,\n"
          + "  price BIGINT NOT NULL,\n"
          + "  channel STRING,\n"
          + "  date_time TIMESTAMP(3) NOT NULL,\n"
          + "  WATERMARK FOR date_time AS date_time - INTERVAL '1' SECOND\n"
          + ")";

  /** {@code CREATE TABLE auction}, keyed by its id. */
  public static final String AUCTION_DDL =
      "CREATE TABLE auction (\n"
          + "  id BIGINT NOT NULL,\n"
          + "  seller BIGINT NOT NULL,\n"
          + "  category BIGINT NOT NULL,\n"
          + "  initial_bid BIGINT NOT NULL,\n"
          + "  date_time TIMESTAMP(3) NOT NULL,\n"
          + "  WATERMARK FOR date_time AS date_time - INTERVAL '1' SECOND,\n"
          + "  PRIMARY KEY (id) NOT ENFORCED\n"
          + ")";

  /** {@code CREATE TABLE person}, keyed by its id. */
  public static final String PERSON_DDL =
      "CREATE TABLE person (\n"
          + "  id BIGINT NOT NULL,\n"
          + "  name STRING,\n"
          + "  state STRING,\n"
          + "  date_time TIMESTAMP(3) NOT NULL,\n"
          + "  WATERMARK FOR date_time AS date_time - INTERVAL '1' SECOND,\n"
          + "  PRIMARY KEY (id) NOT ENFORCED\n"
          + ")";

  private static final LocalDateTime EPOCH = LocalDateTime.of(2026, 12, 5, 0, 0);
  private static final String[] STATES = {"AZ", "CA", "ID", "OR", "WA", "WY"};
  private static final String[] CHANNELS = {"Google", "Facebook", "Baidu", "Apple"};

  private final long seed;
  private final long millisPerEvent;
  private final int auctions;
  private final int people;

  /**
   * @param auctions how many auctions bids go to
   * @param people how many people bid and sell
   */
  public Nexmark(long seed, long millisPerEvent, int auctions, int people) {
    this.seed = seed;
    this.millisPerEvent = millisPerEvent;
    this.auctions = auctions;
    this.people = people;
  }

  private SplittableRandom random(long table, long i) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (table << 48) ^ i);
  }

  private LocalDateTime time(SplittableRandom r, long i) {
    long millis = i * millisPerEvent + r.nextLong(250);
    return EPOCH.plusNanos(millis * 1_000_000L);
  }

  /** A skewed id in {@code [0, n)}: a tenth of the ids draw about half the rows. */
  private static long hot(SplittableRandom r, int n) {
    return r.nextInt(2) == 0 ? r.nextInt(Math.max(1, n / 10)) : r.nextInt(n);
  }

  /** Bid {@code i}. */
  public Row bid(long i) {
    SplittableRandom r = random(1, i);
    long auction = hot(r, auctions);
    return Row.of(auction, hot(r, people), 100 + r.nextLong(10_000) + auction % 7 * 1_000, CHANNELS[r.nextInt(CHANNELS.length)], time(r, i));
  }

  /** Auction {@code i} (ids are 0 .. auctions-1). */
  public Row auction(long i) {
    SplittableRandom r = random(2, i);
    return Row.of(i, hot(r, people), (long) r.nextInt(10), 100L + r.nextInt(1_000), time(r, i));
  }

  /** Person {@code i} (ids are 0 .. people-1). */
  public Row person(long i) {
    SplittableRandom r = random(3, i);
    return Row.of(i, "person-" + i, STATES[r.nextInt(STATES.length)], time(r, i));
  }

  /** The first {@code n} bids, computed as they are read. */
  public Iterable<Row> bids(int n) {
    return rows(n, this::bid);
  }

  public Iterable<Row> auctions() {
    return rows(auctions, this::auction);
  }

  public Iterable<Row> people() {
    return rows(people, this::person);
  }

  private static Iterable<Row> rows(int n, java.util.function.LongFunction<Row> row) {
    return new AbstractList<Row>() {
      @Override
      public Row get(int index) {
        return row.apply(index);
      }

      @Override
      public int size() {
        return n;
      }
    };
  }
}
