package io.aloft.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.RocksObject;
import org.rocksdb.WriteOptions;

/**
 * rocksdbjni with the same settings as the Aloft side ({@link EngineSettings}) and the WAL off. Options
 * RocksDB has and Aloft lacks keep RocksDB's defaults, except where noted in docs/benchmarks.md.
 */
final class RocksStore implements Store {

  static {
    RocksDB.loadLibrary();
  }

  private final RocksDB db;
  private final WriteOptions writeOptions;
  private final List<AutoCloseable> natives; // closed after the db, in reverse order

  private RocksStore(RocksDB db, WriteOptions writeOptions, List<AutoCloseable> natives) {
    this.db = db;
    this.writeOptions = writeOptions;
    this.natives = natives;
  }

  static RocksStore open(Path dir, EngineSettings s) throws IOException {
    List<AutoCloseable> natives = new ArrayList<>();
    LRUCache cache = track(natives, new LRUCache(s.blockCacheBytes()));
    BloomFilter bloom = track(natives, new BloomFilter(s.bloomBitsPerKey()));
    BlockBasedTableConfig table =
        new BlockBasedTableConfig()
            .setBlockSize(s.blockSize())
            .setBlockRestartInterval(16)
            .setBlockCache(cache)
            .setFilterPolicy(bloom);
    Options options =
        track(natives, new Options())
            .setCreateIfMissing(true)
            .setErrorIfExists(true)
            .setWriteBufferSize(s.writeBufferBytes())
            .setMaxWriteBufferNumber(s.writeBufferCount())
            .setCompressionType(CompressionType.LZ4_COMPRESSION)
            .setTargetFileSizeBase(s.targetFileBytes())
            .setMaxBytesForLevelBase(s.maxBytesLevelBase())
            .setMaxBytesForLevelMultiplier(10)
            // Aloft sizes levels statically from level 1 down, as LevelDB did.
            .setLevelCompactionDynamicLevelBytes(false)
            .setLevel0FileNumCompactionTrigger(s.level0CompactionTrigger())
            // Aloft has no slowdown stage: it writes at full speed until it stops.
            .setLevel0SlowdownWritesTrigger(s.level0StopWritesTrigger())
            .setLevel0StopWritesTrigger(s.level0StopWritesTrigger())
            // One flush thread and one compaction thread, as Aloft has.
            .setMaxBackgroundJobs(2)
            .setMaxSubcompactions(1)
            .setStatsDumpPeriodSec(0)
            // Off by default, as in the engine's defaults; -Daloft.bench.native-mmap-reads=true maps SST
            // files for reading, as Aloft's file:// provider does (docs/benchmarks.md, Part 1).
            .setAllowMmapReads(Boolean.getBoolean("aloft.bench.native-mmap-reads"))
            .setTableFormatConfig(table);
    WriteOptions writeOptions = track(natives, new WriteOptions()).setDisableWAL(true);
    try {
      RocksDB db = RocksDB.open(options, dir.toAbsolutePath().toString());
      return new RocksStore(db, writeOptions, natives);
    } catch (RocksDBException e) {
      closeAll(natives);
      throw new IOException("cannot open RocksDB in " + dir, e);
    }
  }

  private static <T extends RocksObject> T track(List<AutoCloseable> natives, T object) {
    natives.add(object);
    return object;
  }

  @Override
  public void put(byte[] key, byte[] value) throws IOException {
    try {
      db.put(writeOptions, key, value);
    } catch (RocksDBException e) {
      throw new IOException(e);
    }
  }

  @Override
  public byte[] get(byte[] key) throws IOException {
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw new IOException(e);
    }
  }

  @Override
  public ScanResult scan(byte[] prefix, int limit) throws IOException {
    int entries = 0;
    long bytes = 0;
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid() && entries < limit; it.next()) {
        byte[] key = it.key();
        if (!Arrays.equals(key, 0, Math.min(prefix.length, key.length), prefix, 0, prefix.length)) {
          break;
        }
        byte[] value = it.value();
        entries++;
        bytes += key.length + value.length;
      }
      it.status();
    } catch (RocksDBException e) {
      throw new IOException(e);
    }
    return new ScanResult(entries, bytes);
  }

  @Override
  public void flush() throws IOException {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush);
    } catch (RocksDBException e) {
      throw new IOException(e);
    }
  }

  @Override
  public void awaitBackgroundWork() throws IOException {
    try {
      while (longProperty("rocksdb.mem-table-flush-pending") > 0
          || longProperty("rocksdb.num-running-flushes") > 0
          || longProperty("rocksdb.compaction-pending") > 0
          || longProperty("rocksdb.num-running-compactions") > 0) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for RocksDB");
    }
  }

  @Override
  public void compactAll() throws IOException {
    try {
      db.compactRange();
    } catch (RocksDBException e) {
      throw new IOException(e);
    }
    awaitBackgroundWork();
  }

  private long longProperty(String name) throws IOException {
    try {
      return db.getLongProperty(name);
    } catch (RocksDBException e) {
      throw new IOException(name, e);
    }
  }

  @Override
  public String describe() throws IOException {
    try {
      StringBuilder out = new StringBuilder();
      out.append(String.format(
          "rocksdb: %.1f MiB live SST; block cache usage %.1f MiB%n",
          longProperty("rocksdb.live-sst-files-size") / (double) EngineSettings.MIB,
          longProperty("rocksdb.block-cache-usage") / (double) EngineSettings.MIB));
      out.append(db.getProperty("rocksdb.levelstats"));
      String stalls = db.getProperty("rocksdb.cf-write-stall-stats");
      if (stalls != null && !stalls.isBlank()) {
        out.append("write stalls: ").append(stalls.trim()).append(System.lineSeparator());
      }
      return out.toString();
    } catch (RocksDBException e) {
      throw new IOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      db.closeE();
    } catch (RocksDBException e) {
      throw new IOException(e);
    } finally {
      closeAll(natives);
    }
  }

  private static void closeAll(List<AutoCloseable> natives) {
    for (int i = natives.size() - 1; i >= 0; i--) {
      try {
        natives.get(i).close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + natives.get(i), e);
      }
    }
  }
}
