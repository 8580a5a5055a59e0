package io.aloft.benchmarks;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.engine.lsm.CompactionFilter;
import io.aloft.engine.lsm.LsmOptions;
import io.aloft.engine.lsm.LsmTree;
import io.aloft.engine.filecache.CachingFileSystem;
import io.aloft.engine.filecache.FileCacheMetrics;
import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.block.Compression;
import io.aloft.engine.plugins.Plugins;
import io.aloft.engine.testkit.RemoteShapedFileSystem;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.simple.RandomSource;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #6: Zipfian point gets on an LSM tree whose files live on a "remote" store that waits
 * {@code readLatency} on every read request, with the local file cache in front of it ({@code policy}
 * {@code lru} or {@code tinylfu}) or not ({@code none}). The cache may hold a tenth of the SST bytes
 * ({@code state.backend.forst.cache.size-based-limit} = SST bytes / {@code stateToCache}). The block
 * cache is off, so every get of a present key reads one data block: from a cached copy on local disk,
 * or from the remote store; this isolates the file cache (in production the block cache in front of it
 * also takes the hottest blocks).
 *
 * <p>The data is {@link Dataset}'s ({@code keys} 16-byte keys, 100-byte values), loaded and fully
 * compacted into files of about 2 MiB. A thread draws ranks from a Zipfian distribution (exponent
 * {@code zipfExponent}, rank 1 the most popular) and maps rank to key by {@code placement}:
 * {@code scattered} puts consecutive ranks far apart in key order (popularity uncorrelated with key
 * order, as for hashed keys: every file holds some hot keys), {@code clustered} maps ranks to keys in
 * key order (hot keys share files, as for hot key ranges). The tree starts each trial with a cold cache
 * (the load wrote to the remote store directly); the warm-up iterations fill it.
 *
 * <p>Reported per iteration: file-cache hit rate (reads served locally / all reads of SST data),
 * remote read requests per get, evictions and load-backs. Score: gets per second with {@code
 * @Threads} threads issuing blocking gets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 3, time = 10)
@Threads(16)
public class FileCacheBenchmark {

  @Param({"lru", "tinylfu", "none"})
  public String policy;

  @Param({"scattered", "clustered"})
  public String placement;

  @Param("1000000")
  public long keys;

  @Param("10")
  public long stateToCache;

  @Param("10")
  public long readLatencyMillis;

  @Param("0.99")
  public double zipfExponent;

  /**
   * 0: gets only. N > 0: a scan-heavy mix, where each thread's every N-th get is followed by a scan of
   * the 100 entries of a uniformly random prefix (cold data, as a range query or a full-state pass
   * would read), which tempts the cache to load files that are not hot.
   */
  @Param("0")
  public int scanEvery;

  private ScratchDir dir;
  private Dataset data;
  private long[] rankToKey;
  private RemoteShapedFileSystem remote;
  private CachingFileSystem cache; // null for policy none
  private LsmTree tree;
  private final LongAdder gets = new LongAdder();
  private final LongAdder scans = new LongAdder();
  private long getsBefore;
  private long scansBefore;
  private long remoteReadsBefore;
  private FileCacheMetrics cacheBefore;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = ScratchDir.create("file-cache");
    data = new Dataset(keys);
    rankToKey = rankToKey(data, placement);
    Path manifest = Files.createDirectories(dir.path().resolve("manifest"));
    Location sst = Location.of(Files.createDirectories(dir.path().resolve("remote")).toAbsolutePath().toString());
    StateFileSystem local = new LocalFileSystemProvider().create("file", Config.empty());
    long sstBytes;
    try (LsmTree loading = LsmTree.open(options(), local, sst, manifest, CompactionFilter.NONE, null, InstantSource.system())) {
      for (long j = 0; j < keys; j++) {
        long i = data.fillOrder(j);
        loading.put(data.key(i), data.value(i));
      }
      loading.flush();
      loading.compactAll();
      loading.awaitBackgroundWork();
      sstBytes = loading.levels().stream().flatMap(List::stream).mapToLong(FileMeta::size).sum();
    }

    remote = new RemoteShapedFileSystem(local, Duration.ofMillis(readLatencyMillis));
    StateFileSystem fs = remote;
    if (!policy.equals("none")) {
      Config config =
          Config.empty()
              .with("state.backend.forst.cache.policy", policy)
              .with("state.backend.forst.cache.size-based-limit", sstBytes / stateToCache + "b")
              .with("state.backend.forst.cache.reserve-size", "0");
      cache =
          CachingFileSystem.forBackend(
              remote, config, Files.createDirectories(dir.path().resolve("local")), Plugins.cachePolicyFactory(config));
      fs = cache;
    }
    tree = LsmTree.open(options(), fs, sst, manifest, CompactionFilter.NONE, null, InstantSource.system());
    System.out.printf(
        "%n  %,d keys, %,d bytes of SSTs in %d files; cache limit %,d bytes%n",
        keys, sstBytes, tree.levels().stream().mapToInt(List::size).sum(), sstBytes / stateToCache);
    startInterval();
  }

  /** Aloft's defaults for the tree, except 2 MiB files and no block cache. */
  private static LsmOptions options() {
    return new LsmOptions(64 << 20, 2, 4096, 10, List.of(Compression.LZ4), 2 << 20, 256 << 20, 4, 20, 0, LsmOptions.defaultCompactionThreads());
  }

  /** Zipfian rank {@code r} (0-based) reads key {@code rankToKey[r]}. */
  static long[] rankToKey(Dataset data, String placement) {
    int n = Math.toIntExact(data.keys());
    long[] map = new long[n];
    switch (placement) {
      case "scattered" -> {
        // The load order is a stride permutation: consecutive ranks land far apart in key order.
        for (int r = 0; r < n; r++) {
          map[r] = data.fillOrder(r);
        }
      }
      case "clustered" -> {
        // Key order: the groups of 100 keys sharing a prefix, sorted by prefix; in a group, by index.
        Long[] groups = new Long[Math.toIntExact(data.prefixes())];
        for (int g = 0; g < groups.length; g++) {
          groups[g] = (long) g;
        }
        Arrays.sort(groups, (a, b) -> Arrays.compareUnsigned(data.prefix(a), data.prefix(b)));
        int r = 0;
        for (long g : groups) {
          for (long i = g * Dataset.KEYS_PER_PREFIX; i < Math.min(n, (g + 1) * Dataset.KEYS_PER_PREFIX); i++) {
            map[r++] = i;
          }
        }
      }
      default -> throw new IllegalArgumentException("placement: scattered or clustered, not " + placement);
    }
    return map;
  }

  /** One thread's Zipfian ranks, and its uniform choice of prefixes to scan. */
  @State(Scope.Thread)
  public static class Ranks {
    DiscreteSampler sampler;
    UniformRandomProvider rng;
    long operations;

    @Setup(Level.Trial)
    public void setUp(FileCacheBenchmark benchmark) {
      rng = RandomSource.XO_RO_SHI_RO_128_PP.create();
      sampler = RejectionInversionZipfSampler.of(rng, Math.toIntExact(benchmark.keys), benchmark.zipfExponent);
    }
  }

  @Benchmark
  public byte[] get(Ranks ranks) throws IOException {
    long i = rankToKey[ranks.sampler.sample() - 1];
    byte[] value = tree.get(data.key(i));
    if (value == null) {
      throw new IllegalStateException("key " + i + " is missing");
    }
    gets.increment();
    if (scanEvery > 0 && ++ranks.operations % scanEvery == 0) {
      byte[] prefix = data.prefix(ranks.rng.nextLong(data.prefixes()));
      if (tree.scan(prefix, null, Dataset.KEYS_PER_PREFIX).rows().size() != Dataset.KEYS_PER_PREFIX) {
        throw new IllegalStateException("a scan of a full prefix came back short");
      }
      scans.increment();
    }
    return value;
  }

  @TearDown(Level.Iteration)
  public void report() {
    long n = gets.sum() - getsBefore;
    long remoteReads = remote.readRequests() - remoteReadsBefore;
    String line = String.format("%,d gets, %.3f remote reads per get", n, n == 0 ? 0.0 : (double) remoteReads / n);
    if (scanEvery > 0) {
      line += String.format(" (with %,d scans)", scans.sum() - scansBefore);
    }
    if (cache != null) {
      FileCacheMetrics m = cache.metrics();
      long hits = m.hits() - cacheBefore.hits();
      long misses = m.misses() - cacheBefore.misses();
      line +=
          String.format(
              ", file-cache hit rate %.3f (%,d hits, %,d misses), %d evictions, %d load-backs (%d refused),"
                  + " %d files / %,d bytes cached",
              hits + misses == 0 ? 0.0 : (double) hits / (hits + misses), hits, misses,
              m.evictions() - cacheBefore.evictions(), m.loadBacks() - cacheBefore.loadBacks(),
              m.loadBacksRefused() - cacheBefore.loadBacksRefused(),
              m.filesCached(), m.bytesUsed());
    }
    System.out.printf("%n  [%s, %s%s] %s%n", policy, placement, scanEvery > 0 ? ", scan every " + scanEvery : "", line);
    startInterval();
  }

  private void startInterval() {
    getsBefore = gets.sum();
    scansBefore = scans.sum();
    remoteReadsBefore = remote.readRequests();
    cacheBefore = cache == null ? null : cache.metrics();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try {
      tree.close();
      if (cache != null) {
        cache.close();
      }
    } finally {
      dir.close();
    }
  }
}
