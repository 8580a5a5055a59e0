package io.aloft.cli;

import io.aloft.config.ConfigException;
import io.aloft.config.ConfigOption;
import io.aloft.engine.lsm.CompactionFilter;
import io.aloft.engine.lsm.LsmMetrics;
import io.aloft.engine.lsm.LsmOptions;
import io.aloft.engine.lsm.LsmTree;
import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aloft bench}: RocksDB's db_bench, for Aloft's LSM tree on a store. */
@Command(
    name = "bench",
    description = {
      "Benchmarks the forst backend's LSM tree against a store, in RocksDB db_bench's shape.",
      "Prints db_bench's lines (name : micros/op ops/sec; MB/s). The tree takes its options from the"
          + " state.backend.forst.* keys of --config and -D (write buffer, block size and cache, Bloom"
          + " filter, compression); it reads the store directly, with no local file cache. One thread.",
      "Benchmarks: fillseq, fillrandom (each followed by a flush, timed apart), readrandom, readseq,"
          + " readrandomwriterandom (--read-percent reads, the rest writes). Each runs --num operations,"
          + " or until --duration has passed."
    })
final class BenchCommand implements Callable<Integer> {
  private static final ConfigOption<Duration> DURATION =
      ConfigOption.duration("--duration", null, "Longest time one benchmark runs.");
  private static final List<String> BENCHMARKS =
      List.of("fillseq", "fillrandom", "readrandom", "readseq", "readrandomwriterandom");
  private static final int SCAN_PAGE = 1000;

  @Spec private CommandSpec spec;

  @Option(names = "--store", paramLabel = "URI", converter = Locations.class,
      description = "Where the tree's SST files go: a directory of any store; the benchmark writes into a new"
          + " directory below it and deletes it afterwards (default: a new temporary local directory).")
  private Location store;

  @Option(names = "--benchmarks", paramLabel = "LIST", split = ",",
      defaultValue = "fillrandom,readrandom,readrandomwriterandom",
      description = "Comma-separated, run in order (default: ${DEFAULT-VALUE}); of " + "fillseq, fillrandom,"
          + " readrandom, readseq, readrandomwriterandom.")
  private List<String> benchmarks;

  @Option(names = "--num", paramLabel = "N", defaultValue = "100000",
      description = "Operations per benchmark, and the key space (default: ${DEFAULT-VALUE}).")
  private long num;

  @Option(names = "--duration", paramLabel = "DURATION",
      description = "Stop each benchmark after this long, e.g. 30 s (default: run --num operations).")
  private String duration;

  @Option(names = "--key-size", paramLabel = "BYTES", defaultValue = "16",
      description = "Key length, at least 8 (default: ${DEFAULT-VALUE}).")
  private int keySize;

  @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "100",
      description = "Value length (default: ${DEFAULT-VALUE}); values compress to about half, as db_bench's.")
  private int valueSize;

  @Option(names = "--read-percent", paramLabel = "PERCENT", defaultValue = "90",
      description = "Reads among readrandomwriterandom's operations (default: ${DEFAULT-VALUE}).")
  private int readPercent;

  @Option(names = "--seed", defaultValue = "301", description = "Random seed (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(names = "--keep", description = "Keep the tree: its SST files and its manifest (aloft manifest show).")
  private boolean keep;

  @Override
  public Integer call() throws IOException {
    checkArguments();
    Duration limit = parseDuration();
    PrintWriter out = spec.commandLine().getOut();
    Path scratch = Files.createTempDirectory("aloft-bench-");
    Path localDir = Files.createDirectories(scratch.resolve("local"));
    try (Stores stores = AloftCli.of(spec).openStores()) {
      Location primary = store == null
          ? Location.of(Files.createDirectories(scratch.resolve("sst")).toAbsolutePath().toString())
          : store.resolve("aloft-bench-" + UUID.randomUUID());
      StateFileSystem fs = stores.of(primary);
      LsmOptions options = LsmOptions.from(stores.config());
      header(out, primary, localDir, options);
      Bench bench = new Bench(out, limit);
      try (LsmTree tree =
          LsmTree.open(options, fs, primary, localDir, CompactionFilter.NONE, null, InstantSource.system())) {
        for (String name : benchmarks) {
          bench.run(name, tree);
          out.flush();
        }
        out.println("------------------------------------------------");
        stats(out, tree, fs);
      } finally {
        if (!keep) {
          fs.deleteRecursively(primary);
        }
      }
      if (keep) {
        out.printf("kept: SST files in %s, manifest in %s%n", primary, localDir);
      }
    } finally {
      if (!keep) {
        deleteRecursively(scratch);
      }
    }
    return AloftCli.OK;
  }

  private void checkArguments() {
    CommandLine cli = spec.commandLine();
    for (String b : benchmarks) {
      if (!BENCHMARKS.contains(b)) {
        throw new CommandLine.ParameterException(cli, "unknown benchmark '" + b + "'; known: " + BENCHMARKS);
      }
    }
    if (num < 1) {
      throw new CommandLine.ParameterException(cli, "--num must be at least 1: " + num);
    }
    if (keySize < 8 || keySize > 1 << 16) {
      throw new CommandLine.ParameterException(cli, "--key-size must be 8 to 65536: " + keySize);
    }
    if (valueSize < 0 || valueSize > 1 << 24) {
      throw new CommandLine.ParameterException(cli, "--value-size must be 0 to 16777216: " + valueSize);
    }
    if (readPercent < 0 || readPercent > 100) {
      throw new CommandLine.ParameterException(cli, "--read-percent must be 0 to 100: " + readPercent);
    }
  }

  private Duration parseDuration() {
    if (duration == null) {
      return null;
    }
    try {
      return DURATION.parse(duration);
    } catch (ConfigException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private void header(PrintWriter out, Location primary, Path localDir, LsmOptions o) throws IOException {
    String version = new AloftCli.Version().getVersion()[0];
    out.printf("%s: the LSM tree of the forst backend%n", version);
    out.printf("Store:      %s (manifest in %s)%n", primary, localDir);
    out.printf("Keys:       %d bytes each%n", keySize);
    out.printf("Values:     %d bytes each (%d bytes after compression)%n", valueSize, valueSize / 2);
    out.printf("Entries:    %d%n", num);
    out.printf(Locale.ROOT, "RawSize:    %.1f MB (estimated)%n", (keySize + valueSize) * (double) num / 1048576.0);
    out.printf("Options:    write buffer %s x %d, blocks %s, block cache %s, Bloom %s, compression %s%n",
        Text.size(o.writeBufferBytes()), o.writeBufferCount(), Text.size(o.blockSize()),
        Text.size(o.blockCacheBytes()),
        o.bloomBitsPerKey() == 0 ? "off" : o.bloomBitsPerKey() + " bits/key",
        o.compressionPerLevel().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(",")));
    out.println("------------------------------------------------");
  }

  private static void stats(PrintWriter out, LsmTree tree, StateFileSystem fs) {
    LsmMetrics m = tree.metrics();
    List<List<FileMeta>> levels = tree.levels();
    StringBuilder shape = new StringBuilder();
    for (int l = 0; l < levels.size(); l++) {
      if (!levels.get(l).isEmpty()) {
        shape.append(shape.length() == 0 ? "" : ", ").append("L").append(l).append(' ').append(levels.get(l).size());
      }
    }
    out.printf(Locale.ROOT, "tree:       %s, %s (%s); %s, %s, %s (%.1f s)%n",
        CheckpointCommand.plural(m.liveFiles(), "live file"), Text.size(m.liveBytes()),
        shape.length() == 0 ? "empty" : shape, CheckpointCommand.plural(m.flushes(), "flush"),
        CheckpointCommand.plural(m.compactions(), "compaction"), CheckpointCommand.plural(m.writeStalls(), "write stall"),
        m.writeStallNanos() / 1e9);
    long lookups = m.blockCacheHits() + m.blockCacheMisses();
    out.printf(Locale.ROOT, "reads:      %s requests to the store; block cache %s hits of %s (%.1f%%)%n",
        Text.count(m.remoteReads()), Text.count(m.blockCacheHits()), Text.count(lookups),
        lookups == 0 ? 0.0 : 100.0 * m.blockCacheHits() / lookups);
    if (!fs.requestCounts().isEmpty()) {
      out.printf("store:      requests %s%n", fs.requestCounts());
    }
  }

  /** Runs benchmarks on one tree; owned by the command's thread. */
  private final class Bench {
    private final PrintWriter out;
    private final Duration limit;
    private final Random random = new Random(seed);
    private final byte[] values;
    private int valueAt;
    /** Keys [0, keySpace) may be present: what the fills wrote (less than --num when cut by --duration). */
    private long keySpace;

    Bench(PrintWriter out, Duration limit) {
      this.out = out;
      this.limit = limit;
      this.keySpace = num;
      // db_bench's values: half random bytes, half a copy of them, so they compress to about half.
      values = new byte[Math.max(1 << 20, 2 * valueSize)];
      Random r = new Random(seed + 1);
      for (int i = 0; i < values.length; i += 100) {
        int n = Math.min(100, values.length - i);
        byte[] chunk = new byte[(n + 1) / 2];
        r.nextBytes(chunk);
        for (int j = 0; j < n; j++) {
          values[i + j] = chunk[j % chunk.length];
        }
      }
    }

    void run(String name, LsmTree tree) throws IOException {
      switch (name) {
        case "fillseq" -> fill(name, tree, false);
        case "fillrandom" -> fill(name, tree, true);
        case "readrandom" -> readRandom(name, tree);
        case "readseq" -> readSeq(name, tree);
        case "readrandomwriterandom" -> mixed(name, tree);
        default -> throw new IllegalArgumentException(name);
      }
    }

    private void fill(String name, LsmTree tree, boolean randomOrder) throws IOException {
      long start = System.nanoTime();
      long deadline = deadline(start);
      long ops = 0;
      long bytes = 0;
      for (; ops < num && System.nanoTime() < deadline; ops++) {
        long k = randomOrder ? Math.floorMod(random.nextLong(), num) : ops;
        tree.put(key(k), value());
        bytes += keySize + valueSize;
      }
      long elapsed = System.nanoTime() - start;
      if (!randomOrder) {
        keySpace = Math.max(1, ops);
      }
      long flushStart = System.nanoTime();
      tree.flush();
      double flushSeconds = (System.nanoTime() - flushStart) / 1e9;
      report(name, ops, elapsed, bytes, String.format(Locale.ROOT, "(then flush: %.3f s)", flushSeconds));
    }

    private void readRandom(String name, LsmTree tree) throws IOException {
      long start = System.nanoTime();
      long deadline = deadline(start);
      long ops = 0;
      long found = 0;
      long bytes = 0;
      for (; ops < num && System.nanoTime() < deadline; ops++) {
        byte[] value = tree.get(key(Math.floorMod(random.nextLong(), keySpace)));
        if (value != null) {
          found++;
          bytes += keySize + value.length;
        }
      }
      report(name, ops, System.nanoTime() - start, bytes, "(" + found + " of " + ops + " found)");
    }

    private void readSeq(String name, LsmTree tree) throws IOException {
      long start = System.nanoTime();
      long deadline = deadline(start);
      long ops = 0;
      long bytes = 0;
      byte[] after = null;
      while (ops < num && System.nanoTime() < deadline) {
        ScanPage page = tree.scan(new byte[0], after, (int) Math.min(SCAN_PAGE, num - ops));
        for (KeyValue row : page.rows()) {
          bytes += row.key().length + row.value().length;
          after = row.key();
        }
        ops += page.rows().size();
        if (!page.hasMore() || page.rows().isEmpty()) {
          break;
        }
      }
      report(name, ops, System.nanoTime() - start, bytes, "");
    }

    private void mixed(String name, LsmTree tree) throws IOException {
      long start = System.nanoTime();
      long deadline = deadline(start);
      long ops = 0;
      long reads = 0;
      long found = 0;
      long writes = 0;
      long bytes = 0;
      for (; ops < num && System.nanoTime() < deadline; ops++) {
        byte[] key = key(Math.floorMod(random.nextLong(), keySpace));
        if (random.nextInt(100) < readPercent) {
          reads++;
          byte[] value = tree.get(key);
          if (value != null) {
            found++;
            bytes += keySize + value.length;
          }
        } else {
          writes++;
          tree.put(key, value());
          bytes += keySize + valueSize;
        }
      }
      report(name, ops, System.nanoTime() - start, bytes,
          "( reads:" + reads + " writes:" + writes + " total:" + ops + " found:" + found + ")");
    }

    private long deadline(long start) {
      return limit == null ? Long.MAX_VALUE : start + limit.toNanos();
    }

    /** db_bench's key: the number as 8 big-endian bytes, padded to the key size. */
    private byte[] key(long k) {
      byte[] key = new byte[keySize];
      ByteBuffer.wrap(key).putLong(k);
      java.util.Arrays.fill(key, 8, keySize, (byte) 'x');
      return key;
    }

    private byte[] value() {
      if (valueAt + valueSize > values.length) {
        valueAt = 0;
      }
      byte[] v = java.util.Arrays.copyOfRange(values, valueAt, valueAt + valueSize);
      valueAt += valueSize;
      return v;
    }

    /** {@code fillrandom   :       3.861 micros/op 258998 ops/sec;   28.7 MB/s (…)}, db_bench's line. */
    private void report(String name, long ops, long nanos, long bytes, String message) {
      double seconds = nanos / 1e9;
      double micros = ops == 0 ? 0 : nanos / 1e3 / ops;
      long perSecond = seconds == 0 ? 0 : Math.round(ops / seconds);
      String rate = bytes > 0 && seconds > 0 ? String.format(Locale.ROOT, " %6.1f MB/s", bytes / 1048576.0 / seconds) : "";
      out.println(String.format(Locale.ROOT, "%-12s : %11.3f micros/op %d ops/sec;%s%s",
          name, micros, perSecond, rate, message.isEmpty() ? "" : " " + message));
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
