package io.aloft.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.forstdb.BlockBasedTableConfig;
import org.forstdb.BloomFilter;
import org.forstdb.CompressionType;
import org.forstdb.FlushOptions;
import org.forstdb.LRUCache;
import org.forstdb.Options;
import org.forstdb.RocksDB;
import org.forstdb.RocksDBException;
import org.forstdb.RocksIterator;
import org.forstdb.RocksObject;
import org.forstdb.WriteOptions;

/**
 * forstjni, the engine of Flink's ForSt state backend (a RocksDB fork; its Java API is RocksDB's under
 * {@code org.forstdb}), on a local directory with exactly {@link RocksStore}'s options. The two classes
 * are the same code over two libraries whose types share names but not packages: one class over both
 * would need reflection in the measured calls.
 */
final class ForStStore implements Store {

  static {
    RocksDB.loadLibrary();
  }

  private final RocksDB db;
  private final WriteOptions writeOptions;
  private final List<AutoCloseable> natives; // closed after the db, in reverse order

  private ForStStore(RocksDB db, WriteOptions writeOptions, List<AutoCloseable> natives) {
    this.db = db;
    this.writeOptions = writeOptions;
    this.natives = natives;
  }

  static ForStStore open(Path dir, EngineSettings s) throws IOException {
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
      return new ForStStore(db, writeOptions, natives);
    } catch (RocksDBException e) {
      closeAll(natives);
      throw new IOException("cannot open ForSt in " + dir, e);
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
      throw new java.io.InterruptedIOException("interrupted while waiting for ForSt");
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
          "forst: %.1f MiB live SST; block cache usage %.1f MiB%n",
          longProperty("rocksdb.live-sst-files-size") / (double) EngineSettings.MIB,
          longProperty("rocksdb.block-cache-usage") / (double) EngineSettings.MIB));
      out.append(db.getProperty("rocksdb.levelstats"));
      try {
        String stalls = db.getProperty("rocksdb.cf-write-stall-stats");
        if (stalls != null && !stalls.isBlank()) {
          out.append("write stalls: ").append(stalls.trim()).append(System.lineSeparator());
        }
      } catch (RocksDBException e) {
        out.append("write stalls: not reported (").append(e.getMessage()).append(')').append(System.lineSeparator());
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
