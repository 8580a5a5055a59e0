package io.aloft.benchmarks;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.fs.s3.S3ProxyServer;
import io.aloft.process.KeyedProcessor;
import io.aloft.serde.Serializers;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
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
 * Issue #7: the {@code forst} backend against S3 — S3Proxy (in-memory store) on 127.0.0.1, reached
 * through the {@code s3://} provider over HTTP — with the S3 requests each operation costs, from the
 * provider's request counts ({@code forst.storage.requests.*}).
 *
 * <ul>
 *   <li>{@code fill}: {@code keys} records, each a blind write of a 100-byte value, then a checkpoint
 *       (which flushes the memtables to SST files on S3). Single shot; score: records per second.
 *   <li>{@code coldGet}: gets of random keys on a processor just restored from such a checkpoint, with
 *       the file cache off ({@code cache.policy: none}) and the block cache off, so that every get
 *       stays cold: each is answered by S3 (a ranged GET), not by a local copy.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class S3Benchmark {

  static final int VALUE_BYTES = 100;
  static final String BUCKET = "bench";

  @Param("200000")
  public long keys;

  /** {@code state.backend.forst.executor.strategy} ({@code virtual} needs Java 21+). */
  @Param("virtual")
  public String strategy;

  /** {@code execution.async-state.total-buffer-size} for the gets. */
  @Param("200")
  public int inFlight;

  private ScratchDir dir;
  private Aloft aloft;
  private KeyedProcessor<Long, Long, Void> processor;
  private Map<String, Long> requestsBefore;
  private long operationsBefore;
  private long operations;
  private final SplittableRandom random = new SplittableRandom(7);

  static {
    // S3ProxyServer looks for the emulator's jar here; the jar's build copies it beside the class path.
    if (System.getProperty("aloft.s3proxy.jar") == null) {
      for (String candidate : new String[] {"benchmarks/target/s3proxy/s3proxy.jar", "target/s3proxy/s3proxy.jar"}) {
        if (Files.isRegularFile(Path.of(candidate))) {
          System.setProperty("aloft.s3proxy.jar", candidate);
          break;
        }
      }
    }
  }

  private Config config(Location checkpoints, boolean cold) {
    Config c =
        S3ProxyServer.shared()
            .config()
            .with("state.backend.type", "forst")
            .with("execution.checkpointing.dir", checkpoints.toString())
            .with("state.backend.forst.local-dir", dir.path().resolve("local").toString())
            .with("state.backend.forst.cache.dir", dir.path().resolve("cache").toString())
            .with("state.backend.forst.executor.strategy", strategy)
            .with("execution.async-state.total-buffer-size", inFlight)
            .with("execution.async-state.active-buffer-size", Math.max(1, inFlight / 4));
    if (cold) {
      c = c.with("state.backend.forst.cache.policy", "none").with("state.backend.forst.block.cache-size", "0");
    }
    return c;
  }

  private KeyedProcessor<Long, Long, Void> build(boolean check, Location restoreFrom) {
    var builder = aloft.keyedProcessor(new KeyedBlobs(check ? KeyedBlobs.Mode.CHECK : KeyedBlobs.Mode.WRITE, S3Benchmark::value)).name("values").keySelector(k -> k).keySerializer(Serializers.LONG);
    if (restoreFrom != null) {
      builder.restoreFrom(restoreFrom);
    }
    return builder.build();
  }

  private Location freshCheckpointDir() throws IOException {
    S3ProxyServer.shared().createBucket(BUCKET);
    return Location.of("s3://" + BUCKET + "/" + UUID.randomUUID() + "/ckp");
  }

  // --- fill -------------------------------------------------------------------------------------

  @Setup(Level.Iteration)
  public void setUpIteration(org.openjdk.jmh.infra.BenchmarkParams params) throws IOException {
    if (!params.getBenchmark().endsWith(".fill")) {
      return;
    }
    dir = ScratchDir.create("s3-fill");
    aloft = Aloft.create(config(freshCheckpointDir(), false));
    processor = build(false, null);
    startInterval();
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 2)
  public void fill() {
    for (long k = 0; k < keys; k++) {
      processor.processElement(k);
    }
    processor.checkpoint(1);
    operations += keys;
  }

  // --- cold gets ----------------------------------------------------------------------------------

  @Setup(Level.Trial)
  public void setUpTrial(org.openjdk.jmh.infra.BenchmarkParams params) throws IOException {
    if (!params.getBenchmark().endsWith(".coldGet")) {
      return;
    }
    dir = ScratchDir.create("s3-gets");
    Location checkpoints = freshCheckpointDir();
    Location checkpoint;
    try (Aloft loading = Aloft.create(config(checkpoints, false))) {
      aloft = loading;
      try (KeyedProcessor<Long, Long, Void> p = build(false, null)) {
        for (long k = 0; k < keys; k++) {
          p.processElement(k);
        }
        checkpoint = p.checkpoint(1).location();
      }
    }
    aloft = Aloft.create(config(checkpoints, true));
    processor = build(true, checkpoint);
    startInterval();
  }

  @Benchmark
  @Warmup(iterations = 1, time = 5)
  @Measurement(iterations = 3, time = 10)
  public void coldGet() {
    processor.processElement(random.nextLong(keys));
    operations++;
  }

  // --- reporting ----------------------------------------------------------------------------------

  private void startInterval() {
    requestsBefore = storageRequests();
    operationsBefore = operations;
  }

  /** The backend's {@code forst.storage.requests.*}, by operation. */
  private Map<String, Long> storageRequests() {
    Map<String, Long> out = new java.util.TreeMap<>();
    processor.metrics().forEach((name, n) -> {
      if (name.startsWith("forst.storage.requests.")) {
        out.put(name.substring("forst.storage.requests.".length()), n);
      }
    });
    return out;
  }

  @TearDown(Level.Iteration)
  public void report(org.openjdk.jmh.infra.BenchmarkParams params) throws IOException {
    if (processor == null) {
      return;
    }
    processor.drain();
    long ops = operations - operationsBefore;
    Map<String, Long> now = storageRequests();
    StringBuilder line = new StringBuilder();
    long total = 0;
    for (Map.Entry<String, Long> e : now.entrySet()) {
      long n = e.getValue() - requestsBefore.getOrDefault(e.getKey(), 0L);
      if (n > 0) {
        total += n;
        line.append(String.format(" %s %,d (%.4f/op)", e.getKey(), n, (double) n / ops));
      }
    }
    String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    System.out.printf(
        "%n  [%s] %,d operations, %,d S3 requests (%.4f per operation):%s%n",
        name, ops, total, ops == 0 ? 0.0 : (double) total / ops, line);
    if (name.equals("fill")) {
      processor.close();
      processor = null;
      aloft.close();
      dir.close();
    } else {
      startInterval();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (processor != null) {
      processor.close();
      aloft.close();
      dir.close();
    }
  }

  static byte[] value(long key) {
    byte[] v = new byte[VALUE_BYTES];
    Arrays.fill(v, (byte) ('a' + key % 26));
    v[0] = (byte) key;
    v[1] = (byte) (key >> 8);
    v[2] = (byte) (key >> 16);
    return v;
  }
}
