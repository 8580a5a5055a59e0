package io.aloft.samples;

import io.aloft.config.AloftOptions;
import io.aloft.engine.Aloft;
import io.aloft.process.Checkpoint;
import io.aloft.spi.fs.Location;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.Output;
import io.aloft.serde.Serializers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The main sample: a clickstream of {@value #CLICKS} page views by {@value #USERS} users, counted per
 * user in one-minute event-time windows by {@link WindowedClickCounts}, on the backend that
 * {@code config.yaml} selects. Half way through it takes a checkpoint, closes the processor, and
 * restores a new one from the checkpoint, which finishes the stream and checkpoints again (subsuming,
 * and so deleting, the checkpoint it took over). Prints what it did, what it computed, and how long
 * each step took.
 *
 * <p>Run it on the module path (see the README): {@code java --module-path … --module
 * io.aloft.samples/io.aloft.samples.ClickstreamJob config.yaml}.
 */
public final class ClickstreamJob {
  static final int CLICKS = 200_000;
  static final int USERS = 200;
  static final long WINDOW_MILLIS = 60_000;

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

      // Phase 1: the first half of the stream, then a checkpoint, then the instance goes away.
      Random random = new Random(42);
      long[] eventTime = {0};
      long t = System.nanoTime();
      Checkpoint checkpoint;
      try (KeyedProcessor<String, Click, WindowCount> processor = build(aloft, output, null)) {
        System.out.printf("Built the keyed processor (%s)%n", millisSince(t));
        t = System.nanoTime();
        feed(processor, random, eventTime, CLICKS / 2);
        System.out.printf(
            "Processed %,d clicks of %,d users (%s, %,.0f clicks/s)%n",
            CLICKS / 2, USERS, millisSince(t), (CLICKS / 2) / ((System.nanoTime() - t) / 1e9));
        checkpoint = processor.checkpoint(1);
        System.out.printf(
            "Checkpoint %d at %s: %d state files referenced in place, %d copied (%,d bytes), %,d bytes"
                + " written (%,d ms)%n",
            checkpoint.id(), checkpoint.location(), checkpoint.filesReferenced(), checkpoint.filesCopied(),
            checkpoint.bytesCopied(), checkpoint.bytesWritten(), checkpoint.duration().toMillis());
      }

      // Phase 2: a new instance restores the checkpoint (opening its files where they are) and
      // processes the rest of the stream; its windows continue the first instance's counts.
      t = System.nanoTime();
      try (KeyedProcessor<String, Click, WindowCount> processor =
          build(aloft, output, checkpoint.location())) {
        System.out.printf("Restored from %s (%s)%n", checkpoint.location(), millisSince(t));
        t = System.nanoTime();
        feed(processor, random, eventTime, CLICKS - CLICKS / 2);
        processor.processWatermark(Long.MAX_VALUE);
        processor.drain();
        System.out.printf(
            "Processed the other %,d clicks and fired %,d window timers in all (%s)%n",
            CLICKS - CLICKS / 2, windows.size(), millisSince(t));
        // The restored instance's own checkpoint subsumes the one it restored, which it took over:
        // checkpoint 1 and the files only it still listed are deleted now.
        // Ids continue past the ones the restore took over, as Flink's checkpoint counter does.
        Checkpoint second = processor.checkpoint(processor.lastCheckpointId().orElse(0) + 1);
        boolean firstGone = aloft.fileSystem(checkpoints).list(checkpoint.location()).isEmpty();
        System.out.printf(
            "Checkpoint %d: %d state files referenced in place, %d copied, %,d bytes written (%,d ms);"
                + " checkpoint %d %s%n",
            second.id(), second.filesReferenced(), second.filesCopied(), second.bytesWritten(),
            second.duration().toMillis(), checkpoint.id(),
            firstGone ? "was subsumed and deleted with the files only it listed" : "is still retained");
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

  private static KeyedProcessor<String, Click, WindowCount> build(
      Aloft aloft, Output<WindowCount> output, Location restoreFrom) {
    var builder =
        aloft
            .keyedProcessor(new WindowedClickCounts(WINDOW_MILLIS))
            .name("clickstream")
            .keySelector(Click::user)
            .keySerializer(Serializers.STRING)
            .output(output);
    if (restoreFrom != null) {
      builder.restoreFrom(restoreFrom);
    }
    return builder.build();
  }

  /** Sends {@code count} clicks, with a watermark 5 s behind event time every 1,000 clicks. */
  private static void feed(
      KeyedProcessor<String, Click, WindowCount> processor, Random random, long[] eventTime, int count) {
    for (int i = 0; i < count; i++) {
      eventTime[0] += random.nextInt(60); // ~30 ms between clicks: ~2,000 clicks a minute
      String user = "user-" + random.nextInt(USERS);
      String page = "/page/" + (int) Math.abs(random.nextGaussian() * 8);
      processor.processElement(new Click(user, page, eventTime[0]), eventTime[0]);
      if (i % 1_000 == 999) {
        processor.processWatermark(eventTime[0] - 5_000); // 5 s of allowed out-of-orderness
      }
    }
  }

  private static String millisSince(long startNanos) {
    return String.format("%,d ms", (System.nanoTime() - startNanos) / 1_000_000);
  }
}
