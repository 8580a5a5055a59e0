package io.aloft.benchmarks;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.engine.lsm.CompactionFilter;
import io.aloft.engine.lsm.LsmOptions;
import io.aloft.engine.lsm.LsmTree;
import io.aloft.engine.lsm.block.Compression;
import io.aloft.engine.testkit.RemoteShapedFileSystem;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #15: a batch of {@value #BATCH} point reads on a tree whose files live on a "remote" store
 * that waits {@code readLatencyMillis} on every read request, the block cache off (every present key
 * reads a data block from the store): one {@code multiGet} of the batch (what the forst backend does
 * with a batch's gets: keys sorted, each data block read once, distinct blocks read in parallel)
 * against the baseline of the same keys read one {@code get} after another (what a batch was before).
 * {@code keysOf}: {@code random} keys (about one block each) or {@code neighbours} (consecutive keys,
 * a few blocks for the whole batch). Score: keys read per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class MultiGetBenchmark {
  static final int BATCH = 100;

  @Param({"multiGet", "getLoop"})
  public String read;

  @Param({"random", "neighbours"})
  public String keysOf;

  @Param("200000")
  public long keys;

  @Param("2")
  public long readLatencyMillis;

  private ScratchDir dir;
  private Dataset data;
  private LsmTree tree;
  private final SplittableRandom random = new SplittableRandom(42);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = ScratchDir.create("multi-get");
    data = new Dataset(keys);
    Path manifest = Files.createDirectories(dir.path().resolve("manifest"));
    Location sst = Location.of(Files.createDirectories(dir.path().resolve("remote")).toAbsolutePath().toString());
    StateFileSystem local = new LocalFileSystemProvider().create("file", Config.empty());
    try (LsmTree loading = LsmTree.open(options(), local, sst, manifest, CompactionFilter.NONE, null, InstantSource.system())) {
      for (long j = 0; j < keys; j++) {
        long i = data.fillOrder(j);
        loading.put(data.key(i), data.value(i));
      }
      loading.compactAll();
      loading.awaitBackgroundWork();
    }
    StateFileSystem remote = new RemoteShapedFileSystem(local, Duration.ofMillis(readLatencyMillis));
    tree = LsmTree.open(options(), remote, sst, manifest, CompactionFilter.NONE, null, InstantSource.system());
    for (long i = 0; i < keys; i += 997) {
      tree.get(data.key(i)); // opens every file: one tail read each, before the timing starts
    }
  }

  /** Aloft's defaults for the tree, except 2 MiB files and no block cache. */
  private static LsmOptions options() {
    return new LsmOptions(64 << 20, 2, 4096, 10, List.of(Compression.LZ4), 2 << 20, 256 << 20, 4, 20, 0, LsmOptions.defaultCompactionThreads());
  }

  private List<byte[]> batch() {
    List<byte[]> batch = new ArrayList<>(BATCH);
    long first = random.nextLong(keys - BATCH);
    for (int k = 0; k < BATCH; k++) {
      batch.add(data.key(keysOf.equals("random") ? random.nextLong(keys) : first + k));
    }
    return batch;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int readBatch() throws IOException {
    List<byte[]> batch = batch();
    int found = 0;
    if (read.equals("multiGet")) {
      for (byte[] value : tree.multiGet(batch)) {
        found += value == null ? 0 : 1;
      }
    } else {
      for (byte[] key : batch) {
        found += tree.get(key) == null ? 0 : 1;
      }
    }
    if (found != BATCH) {
      throw new IllegalStateException("read " + found + " of " + BATCH + " keys");
    }
    return found;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    tree.close();
    dir.close();
  }
}
