package io.aloft.samples;

import io.aloft.engine.Aloft;
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
 * {@code config.yaml} selects. Prints what it did, what it computed, and how long each step took.
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

      long t = System.nanoTime();
      try (KeyedProcessor<String, Click, WindowCount> processor =
          aloft
              .keyedProcessor(new WindowedClickCounts(WINDOW_MILLIS))
              .name("clickstream")
              .keySelector(Click::user)
              .keySerializer(Serializers.STRING)
              .output(output)
              .build()) {
        System.out.printf("Built the keyed processor (%s)%n", millisSince(t));

        t = System.nanoTime();
        Random random = new Random(42);
        long eventTime = 0;
        for (int i = 0; i < CLICKS; i++) {
          eventTime += random.nextInt(60); // ~30 ms between clicks: ~2,000 clicks a minute
          String user = "user-" + random.nextInt(USERS);
          String page = "/page/" + (int) Math.abs(random.nextGaussian() * 8);
          processor.processElement(new Click(user, page, eventTime), eventTime);
          if (i % 1_000 == 999) {
            processor.processWatermark(eventTime - 5_000); // 5 s of allowed out-of-orderness
          }
        }
        processor.processWatermark(Long.MAX_VALUE);
        processor.drain();
        long elapsed = System.nanoTime() - t;
        System.out.printf(
            "Processed %,d clicks of %,d users and fired %,d window timers (%s, %,.0f clicks/s)%n",
            CLICKS, USERS, windows.size(), millisSince(t), CLICKS / (elapsed / 1e9));
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

  private static String millisSince(long startNanos) {
    return String.format("%,d ms", (System.nanoTime() - startNanos) / 1_000_000);
  }
}
