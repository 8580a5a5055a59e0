package io.aloft.sql;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.Checkpoint;
import io.aloft.process.KeySelector;
import io.aloft.process.KeyedCoJob;
import io.aloft.process.KeyedCoProcessFunction;
import io.aloft.process.KeyedJob;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.Output;
import io.aloft.serde.Serializer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a one-input SQL operator on Aloft's keyed-job runtime over a list of rows, optionally taking a
 * checkpoint after {@code checkpointAt} rows and finishing the input on a job restored from it at
 * another parallelism. Returns the changelog the operator emitted, as a downstream that only reads
 * committed output would see it: what the first job emitted up to its checkpoint, then what the
 * restored job emitted.
 */
final class ChangelogRun {

  private ChangelogRun() {}

  static final class Recorder implements Output<Row> {
    final List<Row> rows = new ArrayList<>();

    @Override
    public synchronized void collect(Row row) {
      rows.add(row);
    }

    synchronized int size() {
      return rows.size();
    }

    synchronized List<Row> prefix(int n) {
      return new ArrayList<>(rows.subList(0, n));
    }
  }

  static Config config(Path dir, String backend, boolean async) {
    return Config.empty()
        .with("state.backend.type", backend)
        .with("execution.checkpointing.dir", "file://" + dir.resolve("checkpoints"))
        .with("state.backend.forst.local-dir", dir.resolve("local").toString())
        .with(SqlOptions.ASYNC_STATE_ENABLED, async);
  }

  /**
   * @param checkpointAt rows before the checkpoint, or -1 for none
   * @param restoreParallelism the restored job's parallelism
   */
  static List<Row> run(
      Config config,
      Supplier<KeyedProcessFunction<Row, Row, Row>> function,
      KeySelector<Row, Row> keySelector,
      Serializer<Row> keySerializer,
      List<Row> input,
      int parallelism,
      int checkpointAt,
      int restoreParallelism) {
    return run(config, function, keySelector, keySerializer, input, Map.of(), parallelism, checkpointAt, restoreParallelism);
  }

  /**
   * As above, with watermarks: {@code watermarks.get(i)} goes in just before row {@code i}, and the
   * input ends with the end-of-input watermark ({@code Long.MAX_VALUE}). A restored job first gets the
   * last watermark before its resume position, as a source that keeps its watermark would send.
   */
  static List<Row> run(
      Config config,
      Supplier<KeyedProcessFunction<Row, Row, Row>> function,
      KeySelector<Row, Row> keySelector,
      Serializer<Row> keySerializer,
      List<Row> input,
      Map<Integer, Long> watermarks,
      int parallelism,
      int checkpointAt,
      int restoreParallelism) {
    Recorder first = new Recorder();
    List<Row> changelog;
    Checkpoint checkpoint = null;
    int committed = 0;
    try (Aloft aloft = Aloft.create(config);
        KeyedJob<Row, Row> job =
            aloft
                .<Row, Row, Row>keyedJob(function::get)
                .name("sql")
                .keySelector(keySelector)
                .keySerializer(keySerializer)
                .parallelism(parallelism)
                .output(first)
                .build()) {
      for (int i = 0; i < input.size(); i++) {
        if (i == checkpointAt) {
          checkpoint = job.checkpoint(i);
          committed = first.size();
        }
        if (watermarks.containsKey(i)) {
          job.processWatermark(watermarks.get(i));
        }
        job.processElement(input.get(i));
      }
      if (checkpointAt < 0) {
        job.processWatermark(Long.MAX_VALUE);
      }
      job.drain();
    }
    if (checkpoint == null) {
      return first.prefix(first.size());
    }
    changelog = first.prefix(committed);
    Recorder second = new Recorder();
    try (Aloft aloft = Aloft.create(config);
        KeyedJob<Row, Row> job =
            aloft
                .<Row, Row, Row>keyedJob(function::get)
                .name("sql")
                .keySelector(keySelector)
                .keySerializer(keySerializer)
                .parallelism(restoreParallelism)
                .output(second)
                .restoreFrom(checkpoint.location())
                .build()) {
      int resume = (int) job.restoredInputPosition().orElseThrow();
      long last = lastWatermarkBefore(watermarks, resume);
      if (last != Long.MIN_VALUE) {
        job.processWatermark(last);
      }
      for (int i = resume; i < input.size(); i++) {
        if (watermarks.containsKey(i)) {
          job.processWatermark(watermarks.get(i));
        }
        job.processElement(input.get(i));
      }
      job.processWatermark(Long.MAX_VALUE);
      job.drain();
    }
    changelog.addAll(second.prefix(second.size()));
    return changelog;
  }

  /** The watermark a source that keeps its watermark sends again when it resumes at {@code resume}. */
  private static long lastWatermarkBefore(Map<Integer, Long> watermarks, int resume) {
    long last = Long.MIN_VALUE;
    for (int i = 0; i < resume; i++) {
      last = watermarks.getOrDefault(i, last);
    }
    return last;
  }

  /** A row of one input of a two-input operator. */
  record Tagged(boolean left, Row row) {}

  /**
   * Runs a two-input operator, as {@link #run} does a one-input one, with the end-of-input watermark
   * on both inputs.
   */
  static List<Row> runTwoInput(
      Config config,
      Supplier<KeyedCoProcessFunction<Row, Row, Row, Row>> function,
      TwoInputSqlOperator op,
      List<Tagged> input,
      Map<Integer, Long> watermarks,
      int parallelism,
      int checkpointAt,
      int restoreParallelism) {
    Recorder first = new Recorder();
    Checkpoint checkpoint = null;
    int committed = 0;
    try (Aloft aloft = Aloft.create(config);
        KeyedCoJob<Row, Row, Row> job = coJob(aloft, function, op, parallelism, first, null)) {
      for (int i = 0; i < input.size(); i++) {
        if (i == checkpointAt) {
          checkpoint = job.checkpoint(i);
          committed = first.size();
        }
        if (watermarks.containsKey(i)) {
          job.processWatermark1(watermarks.get(i));
          job.processWatermark2(watermarks.get(i));
        }
        feed(job, input.get(i));
      }
      if (checkpointAt < 0) {
        job.processWatermark1(Long.MAX_VALUE);
        job.processWatermark2(Long.MAX_VALUE);
      }
      job.drain();
    }
    if (checkpoint == null) {
      return first.prefix(first.size());
    }
    List<Row> changelog = first.prefix(committed);
    Recorder second = new Recorder();
    try (Aloft aloft = Aloft.create(config);
        KeyedCoJob<Row, Row, Row> job =
            coJob(aloft, function, op, restoreParallelism, second, checkpoint.location())) {
      int resume = (int) job.restoredInputPosition().orElseThrow();
      long last = lastWatermarkBefore(watermarks, resume);
      if (last != Long.MIN_VALUE) {
        job.processWatermark1(last);
        job.processWatermark2(last);
      }
      for (int i = resume; i < input.size(); i++) {
        if (watermarks.containsKey(i)) {
          job.processWatermark1(watermarks.get(i));
          job.processWatermark2(watermarks.get(i));
        }
        feed(job, input.get(i));
      }
      job.processWatermark1(Long.MAX_VALUE);
      job.processWatermark2(Long.MAX_VALUE);
      job.drain();
    }
    changelog.addAll(second.prefix(second.size()));
    return changelog;
  }

  private static void feed(KeyedCoJob<Row, Row, Row> job, Tagged t) {
    if (t.left()) {
      job.processElement1(t.row());
    } else {
      job.processElement2(t.row());
    }
  }

  private static KeyedCoJob<Row, Row, Row> coJob(
      Aloft aloft,
      Supplier<KeyedCoProcessFunction<Row, Row, Row, Row>> function,
      TwoInputSqlOperator op,
      int parallelism,
      Recorder out,
      io.aloft.spi.fs.Location restoreFrom) {
    Aloft.CoJobBuilder<Row, Row, Row, Row> b =
        aloft
            .<Row, Row, Row, Row>keyedCoJob(function::get)
            .name("sql-join")
            .keySelector1(op.leftKeySelector())
            .keySelector2(op.rightKeySelector())
            .keySerializer(op.keySerializer())
            .parallelism(parallelism)
            .output(out);
    if (restoreFrom != null) {
      b = b.restoreFrom(restoreFrom);
    }
    return b.build();
  }
}
