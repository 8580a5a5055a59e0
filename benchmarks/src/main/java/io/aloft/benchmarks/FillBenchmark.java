package io.aloft.benchmarks;

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
 * Benchmark 1: load {@code keys} entries (16-byte keys, 100-byte values) in random order into an empty
 * store, then flush; one timed shot. The score is seconds for the whole load; {@link BenchmarkMain}
 * turns it into puts per second.
 *
 * <p>The fork's heap is capped at 512 MiB for both engines: Aloft keeps memtables and block cache on the
 * heap and must load 10M keys in it (RocksDB keeps both off-heap, so the cap does not bind it). The time
 * compaction then needs to settle is logged, not scored.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class FillBenchmark {

  @Param({"aloft", "rocksdb", "forst"})
  public String engine;

  @Param("10000000")
  public long keys;

  /** Block cache during the load; compaction reads its inputs through it on the Aloft side. */
  @Param("64")
  public long cacheMb;

  LoadedStore target;

  @Setup(Level.Iteration)
  public void open() throws IOException {
    target = LoadedStore.empty(engine, new Dataset(keys), EngineSettings.withBlockCache(cacheMb * EngineSettings.MIB));
  }

  @Benchmark
  public long fillRandom() throws IOException {
    target.fill();
    target.store.flush();
    return keys;
  }

  @TearDown(Level.Iteration)
  public void close() throws IOException {
    try {
      long start = System.nanoTime();
      target.store.awaitBackgroundWork();
      LoadedStore.log("%s: compaction settled %.1f s after the timed fill", engine, (System.nanoTime() - start) / 1e9);
      target.report("after the fill");
      target.check();
    } finally {
      target.close();
    }
  }
}
