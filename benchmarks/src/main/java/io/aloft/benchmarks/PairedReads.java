package io.aloft.benchmarks;

import java.io.IOException;
import java.util.Arrays;

/**
 * A cross-check of the JMH read benchmarks that stands up to a busy machine: both engines are loaded in
 * one JVM and measured in alternating one-second slices (Aloft, RocksDB, Aloft, ...), so load from other
 * processes hits both alike, and the median of the per-pair ratios is reported. Not a JMH benchmark: it
 * only checks the ratio the JMH run reports, with the same data, settings and operations.
 *
 * <p>{@code java -Xmx2g -cp benchmarks/target/benchmarks.jar io.aloft.benchmarks.PairedReads
 * getInCache|getLargerThanCache|scan100 [pairs, default 30]}
 */
public final class PairedReads {

  private PairedReads() {}

  private interface Operation {
    long run(LoadedStore s, Cursor c) throws IOException;
  }

  public static void main(String[] args) throws IOException {
    String benchmark = args.length > 0 ? args[0] : "getInCache";
    int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Dataset data = new Dataset(benchmark.equals("getLargerThanCache") ? 2_000_000 : 1_000_000);
    EngineSettings settings =
        EngineSettings.withBlockCache(
            benchmark.equals("getLargerThanCache") ? data.rawBytes() / 8 : 256 * EngineSettings.MIB);
    Operation op =
        switch (benchmark) {
          case "getInCache", "getLargerThanCache" -> (s, c) -> PointGetBenchmark.get(s, c).length;
          case "scan100" -> PrefixScanBenchmark::scan;
          default -> throw new IllegalArgumentException("unknown benchmark " + benchmark);
        };
    try (LoadedStore aloft = LoadedStore.loaded("aloft", data, settings);
        LoadedStore rocks = LoadedStore.loaded("rocksdb", data, settings)) {
      Cursor aloftCursor = new Cursor();
      Cursor rocksCursor = new Cursor();
      long sink = 0;
      for (int w = 0; w < 10; w++) { // 10 s of warm-up each: JIT and block cache
        sink += slice(aloft, aloftCursor, op)[1] + slice(rocks, rocksCursor, op)[1];
      }
      double[] aloftOps = new double[pairs];
      double[] rocksOps = new double[pairs];
      double[] ratios = new double[pairs];
      for (int p = 0; p < pairs; p++) {
        long[] a = p % 2 == 0 ? slice(aloft, aloftCursor, op) : null;
        long[] r = slice(rocks, rocksCursor, op);
        if (a == null) {
          a = slice(aloft, aloftCursor, op);
        }
        aloftOps[p] = a[0];
        rocksOps[p] = r[0];
        ratios[p] = aloftOps[p] / rocksOps[p];
        sink += a[1] + r[1];
      }
      aloftCursor.verify();
      rocksCursor.verify();
      LoadedStore.log("%s, %d pairs of 1 s slices: Aloft median %,.0f ops/s, RocksDB median %,.0f ops/s, "
              + "median ratio %.2f (quartiles %.2f .. %.2f) [%d]",
          benchmark, pairs, median(aloftOps), median(rocksOps), median(ratios), quantile(ratios, 0.25),
          quantile(ratios, 0.75), sink & 1);
    }
  }

  /** Operations done in one second, and a checksum of their results. */
  private static long[] slice(LoadedStore s, Cursor c, Operation op) throws IOException {
    long end = System.nanoTime() + 1_000_000_000L;
    long ops = 0;
    long sink = 0;
    while (System.nanoTime() < end) {
      for (int k = 0; k < 64; k++) {
        sink += op.run(s, c);
      }
      ops += 64;
    }
    return new long[] {ops, sink};
  }

  private static double median(double[] values) {
    return quantile(values, 0.5);
  }

  private static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  }
}
