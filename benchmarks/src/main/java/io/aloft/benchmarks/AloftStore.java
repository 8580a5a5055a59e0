package io.aloft.benchmarks;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.engine.lsm.CompactionFilter;
import io.aloft.engine.lsm.LsmMetrics;
import io.aloft.engine.lsm.LsmOptions;
import io.aloft.engine.lsm.LsmTree;
import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.block.Compression;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;

/**
 * Aloft's LSM tree on the {@code file://} provider: SST files in {@code dir/sst}, the manifest in
 * {@code dir/manifest}. With local primary storage there is no file cache in between, as in production.
 */
final class AloftStore implements Store {

  private final LsmTree tree;
  private final StateFileSystem fs;
  private final int trigger; // level-0 files that make a compaction due

  private AloftStore(LsmTree tree, StateFileSystem fs, int trigger) {
    this.tree = tree;
    this.fs = fs;
    this.trigger = trigger;
  }

  static AloftStore open(Path dir, EngineSettings s) throws IOException {
    LsmOptions options =
        new LsmOptions(
            s.writeBufferBytes(),
            s.writeBufferCount(),
            s.blockSize(),
            s.bloomBitsPerKey(),
            List.of(Compression.LZ4),
            s.targetFileBytes(),
            s.maxBytesLevelBase(),
            s.level0CompactionTrigger(),
            s.level0StopWritesTrigger(),
            s.blockCacheBytes(),
            LsmOptions.defaultCompactionThreads());
    Path sst = Files.createDirectories(dir.resolve("sst"));
    Path manifest = Files.createDirectories(dir.resolve("manifest"));
    StateFileSystem fs = new LocalFileSystemProvider().create("file", Config.empty());
    LsmTree tree =
        LsmTree.open(
            options,
            fs,
            Location.of(sst.toAbsolutePath().toString()),
            manifest,
            CompactionFilter.NONE,
            null,
            InstantSource.system());
    return new AloftStore(tree, fs, s.level0CompactionTrigger());
  }

  @Override
  public void put(byte[] key, byte[] value) throws IOException {
    tree.put(key, value);
  }

  @Override
  public byte[] get(byte[] key) throws IOException {
    return tree.get(key);
  }

  @Override
  public ScanResult scan(byte[] prefix, int limit) throws IOException {
    ScanPage page = tree.scan(prefix, null, limit);
    long bytes = 0;
    for (KeyValue row : page.rows()) {
      bytes += row.key().length + row.value().length;
    }
    return new ScanResult(page.rows().size(), bytes);
  }

  @Override
  public void flush() throws IOException {
    tree.flush();
  }

  /**
   * {@link LsmTree#awaitBackgroundWork} can return between a flush and the compaction it makes due (the
   * flush thread schedules it after releasing the tree's lock), so wait until a pause shows no new work.
   */
  @Override
  public void awaitBackgroundWork() throws IOException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(30);
    while (true) {
      if (System.nanoTime() > deadline) {
        throw new IOException("background work of the Aloft tree did not settle in 30 minutes: " + tree.metrics());
      }
      tree.awaitBackgroundWork();
      long compactions = tree.metrics().compactions();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for compactions");
      }
      LsmMetrics m = tree.metrics();
      if (m.compactions() == compactions && m.level0Files() < trigger) {
        tree.awaitBackgroundWork();
        return;
      }
    }
  }

  @Override
  public void compactAll() throws IOException {
    tree.compactAll();
    tree.awaitBackgroundWork();
  }

  @Override
  public String describe() {
    LsmMetrics m = tree.metrics();
    StringBuilder out = new StringBuilder();
    out.append(String.format(
        "aloft: %d files, %.1f MiB live; flushes %d (%.1f MiB), compactions %d (%.1f MiB written); "
            + "write stalls %d (%.1f s); block cache hits %d, misses %d%n",
        m.liveFiles(), m.liveBytes() / (double) EngineSettings.MIB, m.flushes(),
        m.bytesFlushed() / (double) EngineSettings.MIB, m.compactions(),
        m.bytesCompacted() / (double) EngineSettings.MIB, m.writeStalls(), m.writeStallNanos() / 1e9,
        m.blockCacheHits(), m.blockCacheMisses()));
    List<List<FileMeta>> levels = tree.levels();
    for (int level = 0; level < levels.size(); level++) {
      List<FileMeta> files = levels.get(level);
      if (!files.isEmpty()) {
        long bytes = files.stream().mapToLong(FileMeta::size).sum();
        out.append(String.format(
            "  L%d: %d files, %.1f MiB%n", level, files.size(), bytes / (double) EngineSettings.MIB));
      }
    }
    return out.toString();
  }

  @Override
  public void close() throws IOException {
    try {
      tree.close();
    } finally {
      fs.close();
    }
  }
}
