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
 * Flush and compaction: {@code keys} entries are loaded in random order (untimed; earlier memtables are
 * flushed and compacted in the background, and that work is waited for), then one timed shot writes the
 * last memtable to a file and compacts the whole tree into one sorted level. The score is seconds per
 * shot; {@link BenchmarkMain} turns it into keys per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CompactionBenchmark {

  @Param({"aloft", "rocksdb", "forst"})
  public String engine;

  @Param("2000000")
  public long keys;

  LoadedStore target;

  @Setup(Level.Iteration)
  public void load() throws IOException {
    target = LoadedStore.empty(engine, new Dataset(keys), EngineSettings.withBlockCache(64 * EngineSettings.MIB));
    target.fill();
    target.store.awaitBackgroundWork();
  }

  @Benchmark
  public long flushAndCompact() throws IOException {
    target.store.flush();
    target.store.compactAll();
    return keys;
  }

  @TearDown(Level.Iteration)
  public void close() throws IOException {
    try {
      target.report("after flush and compaction");
      target.check();
    } finally {
      target.close();
    }
  }
}
