package io.aloft.sql;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.Checkpoint;
import io.aloft.process.KeyedCoJob;
import io.aloft.process.KeyedJob;
import io.aloft.process.Output;
import io.aloft.spi.fs.Location;
import io.aloft.sql.planner.Plan;
import io.aloft.sql.planner.TableDefinition;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A running {@code INSERT INTO … SELECT …}: a keyed job fed from the statement's sources. {@link #run()}
 * reads every source row, ends the input (the end-of-input watermark fires every window) and waits
 * for the results; {@link #runUntil(long)} and {@link #checkpoint()} stop midway, and {@link
 * AloftSql#restoreJob} resumes from such a checkpoint.
 *
 * <p>The input position counts source rows read (both sources, for a join, read in the order of their
 * event times, or alternately without). A two-phase group aggregate folds rows into partial
 * accumulators on this thread (its local phase) and hands them to the job per mini-batch, before each
 * watermark and before each checkpoint; a periodic checkpoint records the position of the last rows
 * handed over, so a restore reads again what a local phase held. Sources with a {@code WATERMARK} get one as they are read: the
 * largest event time so far minus the declared delay, sent when it moved and at least 1,000 rows after the
 * last one (and once more after a restore).
 */
public final class SqlJob implements AutoCloseable {

  // A watermark closes an epoch: the job finishes every record before it first, so each one caps the
  // records in flight. Every 1,000 rows (Flink sends one per 200 ms, some 20,000 rows at these rates)
  // keeps hundreds of async reads in flight and lateness repeatable.
  private static final int WATERMARK_EVERY = 1_000;

  private final Plan plan;
  private final KeyedJob<Row, Row> one;
  /** The local phase of a two-phase aggregate, or null. */
  private final io.aloft.sql.runtime.LocalAggregator local;
  private final int localBatch;
  private final long localLatencyNanos;
  private long localSince;
  /** Rows whose effect the job has: all read, but for those a local phase still holds. */
  private volatile long handedOver;
  private final KeyedCoJob<Row, Row, Row> two;
  private final List<Input> inputs = new ArrayList<>();
  private volatile long position;
  private boolean ended;

  SqlJob(
      Aloft aloft,
      Config config,
      int parallelism,
      Plan plan,
      List<Iterable<Row>> sources,
      Consumer<Row> sink,
      Location restore) {
    this.plan = plan;
    Function<Row, Row> after = plan.after();
    Output<Row> output =
        row -> {
          Row out = after.apply(row);
          if (out != null) {
            sink.accept(out);
          }
        };
    for (int i = 0; i < sources.size(); i++) {
      inputs.add(new Input(i, plan.sources().get(i), sources.get(i).iterator(), plan.before().get(i)));
    }
    if (plan.twoPhase()) {
      GroupAggregate aggregate = (GroupAggregate) plan.operator();
      local = aggregate.newLocalPhase();
      localBatch = config.get(SqlOptions.MINI_BATCH_SIZE);
      localLatencyNanos = config.get(SqlOptions.MINI_BATCH_ALLOW_LATENCY).toNanos();
    } else {
      local = null;
      localBatch = 0;
      localLatencyNanos = 0;
    }
    Object operator = plan.twoPhase() ? ((GroupAggregate) plan.operator()).globalPhase() : plan.operator();
    if (operator instanceof SqlOperator op) {
      var b =
          aloft
              .<Row, Row, Row>keyedJob(() -> op.newFunction(config))
              .name("sql")
              .keySelector(op.keySelector())
              .keySerializer(op.keySerializer())
              .parallelism(parallelism)
              .output(output)
              .inputPosition(() -> handedOver); // a periodic checkpoint covers what the job has
      if (restore != null) {
        b = b.restoreFrom(restore);
      }
      one = b.build();
      two = null;
    } else {
      TwoInputSqlOperator op = (TwoInputSqlOperator) operator;
      var b =
          aloft
              .<Row, Row, Row, Row>keyedCoJob(() -> op.newFunction(config))
              .name("sql")
              .keySelector1(op.leftKeySelector())
              .keySelector2(op.rightKeySelector())
              .keySerializer(op.keySerializer())
              .parallelism(parallelism)
              .output(output)
              .inputPosition(() -> handedOver);
      if (restore != null) {
        b = b.restoreFrom(restore);
      }
      two = b.build();
      one = null;
    }
    if (restore != null) {
      long resume = one != null ? one.restoredInputPosition().orElse(0) : two.restoredInputPosition().orElse(0);
      while (position < resume && next() != null) {
        position++;
      }
      handedOver = position;
      for (Input in : inputs) {
        in.resendWatermark = true;
      }
    }
  }

  /** The plan this job runs, in words. */
  public String explain() {
    return plan.explain();
  }

  /** Source rows read so far (the input position a checkpoint records). */
  public long position() {
    return position;
  }

  /** Reads every remaining source row, ends the input and waits for the results. */
  public void run() {
    runUntil(Long.MAX_VALUE);
    if (!ended) {
      ended = true;
      handOver();
      for (Input in : inputs) {
        watermark(in.index, Long.MAX_VALUE);
      }
      drain();
    }
  }

  /**
   * Reads source rows until {@code position} rows were read or the sources ran out, and waits until the
   * job processed them.
   *
   * @return the position reached
   */
  public long runUntil(long target) {
    while (position < target) {
      Next n = next();
      if (n == null) {
        break;
      }
      position++;
      Input in = inputs.get(n.input);
      if (in.resendWatermark && in.watermark != Long.MIN_VALUE) {
        watermark(in.index, in.watermark);
      }
      in.resendWatermark = false;
      Row row = in.before.apply(n.row);
      if (row != null && local != null) {
        if (local.buffered() == 0) {
          localSince = System.nanoTime();
        }
        local.add(row);
        if (local.buffered() >= localBatch || System.nanoTime() - localSince >= localLatencyNanos) {
          handOver();
        }
      } else if (row != null) {
        if (one != null) {
          one.processElement(row);
        } else if (n.input == 0) {
          two.processElement1(row);
        } else {
          two.processElement2(row);
        }
      }
      if (local == null || local.buffered() == 0) {
        handedOver = position;
      }
      in.sinceWatermark++;
      long wm = in.maxTime == Long.MIN_VALUE ? Long.MIN_VALUE : in.maxTime - in.table.watermarkDelayMillis();
      if (in.table.hasWatermark() && wm > in.watermark && in.sinceWatermark >= WATERMARK_EVERY) {
        in.watermark = wm;
        in.sinceWatermark = 0;
        handOver(); // what the local phase holds goes before the watermark
        watermark(in.index, wm);
      }
    }
    drain();
    return position;
  }

  /** Sends the local phase's partial rows to the job: then the job has every row read. */
  private void handOver() {
    if (local != null && local.buffered() > 0) {
      for (Row partial : local.flush()) {
        one.processElement(partial);
      }
    }
    handedOver = position;
  }

  private void watermark(int input, long watermark) {
    if (one != null) {
      one.processWatermark(watermark);
    } else if (input == 0) {
      two.processWatermark1(watermark);
    } else {
      two.processWatermark2(watermark);
    }
  }

  private void drain() {
    if (one != null) {
      one.drain();
    } else {
      two.drain();
    }
  }

  /**
   * Checkpoints the job at the current position (everything read so far is in it).
   *
   * @return the checkpoint, to pass to {@link AloftSql#restoreJob}
   */
  public Checkpoint checkpoint() {
    handOver(); // a two-phase aggregate's local partials go into the job first
    return one != null ? one.checkpoint(position) : two.checkpoint(position);
  }

  /** Rows a window operator dropped as late (0 for the others). */
  public long lateRecordsDropped() {
    if (plan.operator() instanceof WindowAggregate w) {
      return w.lateRecordsDropped();
    }
    if (plan.operator() instanceof WindowJoin w) {
      return w.lateRecordsDropped();
    }
    return 0;
  }

  @Override
  public void close() {
    if (one != null) {
      one.close();
    } else {
      two.close();
    }
  }

  /** The next source row, and which input it is for; null when every source ran out. */
  private Next next() {
    Input pick = null;
    for (Input in : inputs) {
      if (in.peek() == null) {
        continue;
      }
      if (pick == null) {
        pick = in;
      } else if (in.time(in.peek()) != Long.MIN_VALUE && pick.time(pick.peek()) != Long.MIN_VALUE) {
        if (in.time(in.peek()) < pick.time(pick.peek())) {
          pick = in;
        }
      } else if (in.taken < pick.taken) {
        pick = in; // no event times: alternate
      }
    }
    if (pick == null) {
      return null;
    }
    Row row = pick.take();
    pick.maxTime = Math.max(pick.maxTime, pick.time(row));
    return new Next(pick.index, row);
  }

  private record Next(int input, Row row) {}

  /** One source: its rows, checked against its table, and its watermark. */
  private static final class Input {
    final int index;
    final TableDefinition table;
    final Iterator<Row> rows;
    final Function<Row, Row> before;
    final int rowtime;
    Row peeked;
    long taken;
    long maxTime = Long.MIN_VALUE;
    long watermark = Long.MIN_VALUE;
    int sinceWatermark;
    boolean resendWatermark;

    Input(int index, TableDefinition table, Iterator<Row> rows, Function<Row, Row> before) {
      this.index = index;
      this.table = table;
      this.rows = rows;
      this.before = before;
      this.rowtime = table.hasWatermark() ? table.schema().rowtimeIndex() : -1;
    }

    Row peek() {
      if (peeked == null && rows.hasNext()) {
        peeked = checked(rows.next());
      }
      return peeked;
    }

    Row take() {
      Row r = peek();
      peeked = null;
      taken++;
      return r;
    }

    long time(Row row) {
      if (rowtime < 0) {
        return Long.MIN_VALUE;
      }
      LocalDateTime t = (LocalDateTime) row.get(rowtime);
      return t == null ? Long.MIN_VALUE : t.toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** The row with its values as the table's types hold them. */
    private Row checked(Row row) {
      Schema schema = table.schema();
      if (row.arity() != schema.size()) {
        throw new IllegalArgumentException(
            "a row of " + row.arity() + " values for table '" + table.name() + "' " + schema + ": " + row);
      }
      Object[] values = new Object[row.arity()];
      for (int i = 0; i < values.length; i++) {
        try {
          values[i] = schema.type(i).coerce(row.get(i));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "table '" + table.name() + "', column '" + schema.column(i).name() + "': " + e.getMessage(), e);
        }
      }
      return Row.ofKind(row.kind(), values);
    }
  }
}
