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
 * Benchmark 4: read all 100 entries of a random 14-byte prefix, keys and values as Java arrays, with the
 * data in the block cache ({@link InCacheData}). One operation is one scan of 100 entries. Aloft uses
 * {@code scan(prefix, null, 100)}; RocksDB a new iterator, {@code seek(prefix)} and 100 {@code next()}s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class PrefixScanBenchmark {

  @Benchmark
  public long scan100(InCacheData s, Cursor c) throws IOException {
    return scan(s.loaded, c);
  }

  /** One scan of a random prefix; counts a scan that did not see 100 entries as a wrong answer. */
  static long scan(LoadedStore s, Cursor c) throws IOException {
    Store.ScanResult result = s.store.scan(s.data.prefix(c.next(s.data.prefixes())), Dataset.KEYS_PER_PREFIX);
    if (result.entries() != Dataset.KEYS_PER_PREFIX) {
      c.wrong++;
    }
    return result.bytes();
  }
}
