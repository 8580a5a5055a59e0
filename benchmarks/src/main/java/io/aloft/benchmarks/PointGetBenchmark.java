package io.aloft.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Benchmarks 2 and 3: gets of uniformly random existing keys, one thread, with all data in the block
 * cache ({@link InCacheData}) and with eight times more data than cache ({@link LargerThanCacheData}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class PointGetBenchmark {

  @Benchmark
  public byte[] getInCache(InCacheData s, Cursor c) throws IOException {
    return get(s.loaded, c);
  }

  @Benchmark
  public byte[] getLargerThanCache(LargerThanCacheData s, Cursor c) throws IOException {
    return get(s.loaded, c);
  }

  /** One get of a random existing key; counts a miss as a wrong answer. */
  static byte[] get(LoadedStore s, Cursor c) throws IOException {
    byte[] value = s.store.get(s.data.key(c.next(s.data.keys())));
    if (value == null) {
      c.wrong++;
    }
    return value;
  }
}
