package io.aloft.samples;

import io.aloft.config.AloftOptions;
import io.aloft.engine.Aloft;
import io.aloft.metrics.Counter;
import io.aloft.metrics.Gauge;
import io.aloft.metrics.Histogram;
import io.aloft.metrics.MetricRegistry;
import io.aloft.process.Checkpoint;
import io.aloft.spi.fs.Location;
import io.aloft.process.KeyedJob;
import io.aloft.process.Output;
import io.aloft.serde.Serializers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The main sample: a clickstream of {@value #CLICKS} page views by {@value #USERS} users, counted per
 * user in one-minute event-time windows by {@link WindowedClickCounts}, in a keyed job of {@value
 * #PARALLELISM} subtasks on the backend that {@code config.yaml} selects, checkpointing on the interval
 * it sets. Half way through it takes a checkpoint recording the input position, closes the job, and
 * restores a job of one more subtask from the checkpoint, which resumes the input there, finishes the
 * stream and checkpoints again (subsuming, and so deleting, the checkpoint it took over). Prints what
 * it did, what it computed, and how long each step took.
 *
 * <p>Run it on the module path (see the README): {@code java --module-path … --module
 * io.aloft.samples/io.aloft.samples.ClickstreamJob config.yaml}.
 */
public final class ClickstreamJob {
  static final int CLICKS = 200_000;
  static final int USERS = 200;
  static final long WINDOW_MILLIS = 60_000;
  static final int PARALLELISM = 2;

  private ClickstreamJob() {}

  public static void main(String[] args) throws Exception {
    Path configFile = Path.of(args.length > 0 ? args[0] : "config.yaml");
    long start = System.nanoTime();
    try (Aloft aloft = Aloft.fromYaml(configFile)) {
      System.out.printf(
          "Aloft clickstream sample: config %s, state backend '%s' (%s)%n",
          configFile, aloft.backendType(), millisSince(start));

      List<WindowCount> windows = new ArrayList<>();
      long[] lastWatermark = {Long.MIN_VALUE};
      Output<WindowCount> output =
          new Output<>() {
            @Override
            public void collect(WindowCount summary) {
              windows.add(summary);
            }

            @Override
            public void emitWatermark(long watermark) {
              lastWatermark[0] = watermark;
            }
          };

      Location checkpoints =
          Location.of(aloft.config().get(AloftOptions.CHECKPOINTING_DIR));
      aloft.fileSystem(checkpoints).deleteRecursively(checkpoints); // a fresh run each time

      // Phase 1: the first half of the stream into a job of PARALLELISM subtasks, which also
      // checkpoints on its own every execution.checkpointing.interval; then a checkpoint at the half
      // way point, recording the input position, and the job goes away.
      Random random = new Random(42);
      long[] eventTime = {0};
      int[] position = {0}; // clicks sent so far: the input position checkpoints record
      long t = System.nanoTime();
      Checkpoint checkpoint;
      try (KeyedJob<Click, WindowCount> job = build(aloft, output, PARALLELISM, position, null)) {
        System.out.printf(
            "Started a keyed job of %d subtasks, key groups %s (%s)%n",
            job.parallelism(), job.keyGroupRanges(), millisSince(t));
        t = System.nanoTime();
        feed(job, random, eventTime, position, CLICKS / 2);
        System.out.printf(
            "Processed %,d clicks of %,d users (%s, %,.0f clicks/s)%n",
            CLICKS / 2, USERS, millisSince(t), (CLICKS / 2) / ((System.nanoTime() - t) / 1e9));
        checkpoint = job.checkpoint(position[0]);
        System.out.printf(
            "Checkpoint %d at %s, input position %d: %d state files referenced in place, %d copied"
                + " (%,d bytes), %,d bytes written (%,d ms); %d checkpoints before it were taken on the"
                + " interval%n",
            checkpoint.id(), checkpoint.location(), checkpoint.inputPosition().getAsLong(),
            checkpoint.filesReferenced(), checkpoint.filesCopied(), checkpoint.bytesCopied(),
            checkpoint.bytesWritten(), checkpoint.duration().toMillis(), checkpoint.id() - 1);
      }

      // Phase 2: a job of another parallelism restores the checkpoint (opening its files where they
      // are, each subtask taking the key groups it now owns), resumes the input at the checkpoint's
      // position and processes the rest of the stream; its windows continue the first job's counts.
      t = System.nanoTime();
      try (KeyedJob<Click, WindowCount> job =
          build(aloft, output, PARALLELISM + 1, position, checkpoint.location())) {
        System.out.printf(
            "Restored from %s into %d subtasks, resuming the input at position %d (%s)%n",
            checkpoint.location(), job.parallelism(), job.restoredInputPosition().getAsLong(),
            millisSince(t));
        t = System.nanoTime();
        feed(job, random, eventTime, position, CLICKS - CLICKS / 2);
        job.processWatermark(Long.MAX_VALUE);
        job.drain();
        System.out.printf(
            "Processed the other %,d clicks and fired %,d window timers in all (%s)%n",
            CLICKS - CLICKS / 2, windows.size(), millisSince(t));
        // The restored job's own checkpoints subsume the one it restored, which it took over: that
        // checkpoint and the files only it still listed are deleted now.
        Checkpoint last = job.checkpoint(position[0]);
        boolean firstGone = aloft.fileSystem(checkpoints).list(checkpoint.location()).isEmpty();
        System.out.printf(
            "Checkpoint %d: %d state files referenced in place, %d copied, %,d bytes written (%,d ms);"
                + " checkpoint %d %s%n",
            last.id(), last.filesReferenced(), last.filesCopied(), last.bytesWritten(),
            last.duration().toMillis(), checkpoint.id(),
            firstGone ? "was subsumed and deleted with the files only it listed" : "is still retained");
        printMetrics(job.metricRegistry());
      }

      System.out.println("Last windows computed:");
      windows.subList(Math.max(0, windows.size() - 5), windows.size())
          .forEach(w -> System.out.println("  " + w));
      long counted = windows.stream().mapToLong(WindowCount::clicks).sum();
      System.out.printf(
          "Final watermark %d; the %,d windows hold %,d clicks: %s (%s overall)%n",
          lastWatermark[0],
          windows.size(),
          counted,
          counted == CLICKS ? "every click counted once" : "MISMATCH with the " + CLICKS + " clicks sent",
          millisSince(start));
      if (counted != CLICKS) {
        System.exit(1);
      }
    }
  }

  /** A few of the job's metrics (all of them are in docs/metrics.md, and a JMX MBean while it runs). */
  private static void printMetrics(MetricRegistry metrics) {
    Histogram.Snapshot latency = ((Histogram) metrics.metric("state.access-latency").orElseThrow()).snapshot();
    System.out.printf(
        "Metrics of the restored job (JMX MBean io.aloft:type=KeyedJob,name=%s): %,d records and timers; state"
            + " access p50 %,d ns, p99 %,d ns; %,d bytes written to the primary store in %,d files;"
            + " restore took %,d ms for %,d bytes of state files%n",
        metrics.tags().get("job"), value(metrics, "records.in"), latency.p50(), latency.p99(),
        value(metrics, "forst.remote.bytes.written"), value(metrics, "forst.remote.requests.write"),
        value(metrics, "restore.duration"), value(metrics, "restore.size"));
  }

  private static long value(MetricRegistry metrics, String name) {
    return metrics
        .metric(name)
        .map(m -> m instanceof Counter c ? c.count() : m instanceof Gauge g ? g.value() : 0L)
        .orElse(0L);
  }

  private static KeyedJob<Click, WindowCount> build(
      Aloft aloft, Output<WindowCount> output, int parallelism, int[] position, Location restoreFrom) {
    var builder =
        aloft
            .<String, Click, WindowCount>keyedJob(() -> new WindowedClickCounts(WINDOW_MILLIS))
            .name("clickstream")
            .keySelector(Click::user)
            .keySerializer(Serializers.STRING)
            .parallelism(parallelism)
            .inputPosition(() -> position[0])
            .output(output);
    if (restoreFrom != null) {
      builder.restoreFrom(restoreFrom);
    }
    return builder.build();
  }

  /** Sends {@code count} clicks, with a watermark 5 s behind event time every 1,000 clicks. */
  private static void feed(
      KeyedJob<Click, WindowCount> job, Random random, long[] eventTime, int[] position, int count) {
    for (int i = 0; i < count; i++) {
      eventTime[0] += random.nextInt(60); // ~30 ms between clicks: ~2,000 clicks a minute
      String user = "user-" + random.nextInt(USERS);
      String page = "/page/" + (int) Math.abs(random.nextGaussian() * 8);
      job.processElement(new Click(user, page, eventTime[0]), eventTime[0]);
      position[0]++;
      if (i % 1_000 == 999) {
        job.processWatermark(eventTime[0] - 5_000); // 5 s of allowed out-of-orderness
      }
    }
  }

  private static String millisSince(long startNanos) {
    return String.format("%,d ms", (System.nanoTime() - startNanos) / 1_000_000);
  }
}
