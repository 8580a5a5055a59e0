package io.aloft.benchmarks;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.Checkpoint;
import io.aloft.process.KeyedProcessor;
import io.aloft.serde.Serializers;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #5: how checkpoint and restore scale with state size, for {@code forst} (files referenced in
 * place, restored in place) and {@code rocksdb} (SST files copied into the checkpoint, downloaded on
 * restore), on the default store: a local directory ({@code file://}) holds
 * {@code execution.checkpointing.dir}, and forst's primary directory inside it.
 *
 * <p>State: {@code stateMiB} MiB of keys and values (8-byte keys, 100 incompressible bytes each, one value state),
 * written through a keyed processor untimed before each measurement. Both measurements are single
 * shots on a freshly loaded state:
 *
 * <ul>
 *   <li>{@code checkpoint}: the first checkpoint of the loaded processor ({@code checkpoint(1)}: drain,
 *       flush memtables, reference or copy the files, write the metadata). The checkpoint's own
 *       report (files referenced and copied, bytes written) is printed after it.
 *   <li>{@code restoreToFirstRecord}: a new processor restored from that checkpoint (taken and closed
 *       untimed), until its first record has read its key's value and updated it.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
public class CheckpointRestoreBenchmark {

  @Param({"forst", "rocksdb"})
  public String backend;

  @Param({"100", "1000"})
  public long stateMiB;

  static final int VALUE_BYTES = 100;

  private ScratchDir dir;
  private Aloft aloft;
  private KeyedProcessor<Long, Long, Void> processor;
  private Location checkpoint;
  private long keys;

  @Setup(Level.Iteration)
  public void load(org.openjdk.jmh.infra.BenchmarkParams params) throws IOException {
    dir = ScratchDir.create("checkpoint-" + backend);
    Config config =
        Config.empty()
            .with("state.backend.type", backend)
            .with("execution.checkpointing.dir", dir.path().resolve("checkpoints").toUri().toString())
            .with("state.backend.forst.local-dir", dir.path().resolve("local").toString());
    // (rocksdb keeps its working copy under java.io.tmpdir: set -Djava.io.tmpdir to move it.)
    aloft = Aloft.create(config);
    keys = stateMiB * (1 << 20) / (Long.BYTES + VALUE_BYTES);
    long start = System.nanoTime();
    processor = build(null, false);
    for (long k = 0; k < keys; k++) {
      processor.processElement(k);
    }
    processor.drain();
    System.out.printf(
        "%n  [%s, %d MiB] loaded %,d keys in %.1f s%n", backend, stateMiB, keys, (System.nanoTime() - start) / 1e9);
    if (params.getBenchmark().endsWith("restoreToFirstRecord")) {
      Checkpoint c = processor.checkpoint(1);
      checkpoint = c.location();
      processor.close();
      processor = null;
    }
  }

  private KeyedProcessor<Long, Long, Void> build(Location restoreFrom, boolean check) {
    var builder =
        aloft.keyedProcessor(new KeyedBlobs(check ? KeyedBlobs.Mode.CHECK_AND_REWRITE : KeyedBlobs.Mode.WRITE, CheckpointRestoreBenchmark::value)).name("blobs").keySelector(k -> k).keySerializer(Serializers.LONG);
    if (restoreFrom != null) {
      builder.restoreFrom(restoreFrom);
    }
    return builder.build();
  }

  @Benchmark
  public Checkpoint checkpoint() {
    Checkpoint c = processor.checkpoint(1);
    System.out.printf(
        "%n  [%s, %d MiB] checkpoint: %d files referenced, %d copied (%,d bytes), %,d bytes written in all%n",
        backend, stateMiB, c.filesReferenced(), c.filesCopied(), c.bytesCopied(), c.bytesWritten());
    return c;
  }

  @Benchmark
  public KeyedProcessor<Long, Long, Void> restoreToFirstRecord() {
    processor = build(checkpoint, true);
    processor.processElement(keys / 2); // reads the restored value, checks it, writes it back
    processor.drain();
    return processor;
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws IOException {
    try {
      if (processor != null) {
        processor.close();
      }
      aloft.close();
      System.out.printf("  [%s, %d MiB] %,d bytes on disk after the measurement%n", backend, stateMiB, dir.sizeBytes());
    } finally {
      processor = null;
      dir.close();
    }
  }

  /** 100 pseudo-random bytes, the same for the same key: incompressible, so the state's size on disk is its size. */
  static byte[] value(long key) {
    byte[] v = new byte[VALUE_BYTES];
    new java.util.SplittableRandom(key * 0x9E3779B97F4A7C15L).nextBytes(v);
    return v;
  }
}
