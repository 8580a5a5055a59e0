package io.aloft.engine;

import io.aloft.config.Config;
import io.aloft.process.KeyedJob;
import io.aloft.serde.Serializers;
import io.aloft.spi.fs.Location;

/**
 * The child JVM of {@link KeyedJobCrashTest}: runs the counting job over the deterministic input from
 * the position of the checkpoint it is given (or from the start), checkpointing every {@value #EVERY}
 * records and saying so on standard output, until the parent kills it (SIGKILL) or the input ends.
 *
 * <p>Arguments: checkpoint root, local dir, parallelism, checkpoint to restore or {@code -}, records.
 */
public final class JobCrashChild {
  static final int EVERY = 400;

  private JobCrashChild() {}

  static String record(int position) {
    return "key-" + (position * 31 % 97);
  }

  public static void main(String[] args) throws Exception {
    Config config =
        Config.empty()
            .with("state.backend.type", "forst")
            .with("execution.checkpointing.dir", args[0])
            .with("state.backend.forst.local-dir", args[1])
            .with("state.backend.forst.writebuffer.size", "64kb");
    int records = Integer.parseInt(args[4]);
    KeyedJobTest.Recorder out = new KeyedJobTest.Recorder();
    try (Aloft aloft = Aloft.create(config)) {
      var builder =
          aloft
              .<String, String, String>keyedJob(KeyedJobTest.Counter::new)
              .name("crash")
              .keySelector(r -> r)
              .keySerializer(Serializers.STRING)
              .parallelism(Integer.parseInt(args[2]))
              .output(out);
      if (!args[3].equals("-")) {
        builder.restoreFrom(Location.of(args[3]));
      }
      try (KeyedJob<String, String> job = builder.build()) {
        int position = (int) job.restoredInputPosition().orElse(0);
        System.out.println("RESUMED " + position);
        for (; position < records; position++) {
          job.processElement(record(position));
          if ((position + 1) % EVERY == 0) {
            System.out.println("CHECKPOINTING " + (position + 1));
            System.out.flush();
            job.checkpoint(position + 1);
          }
        }
        job.drain();
      }
    }
    // Every key's last count, for the parent to compare with the model.
    java.util.Map<String, String> last = new java.util.TreeMap<>();
    for (String r : out.records) {
      last.put(r.substring(0, r.indexOf('=')), r.substring(r.indexOf('=') + 1));
    }
    System.out.println("FINAL " + last);
  }
}
