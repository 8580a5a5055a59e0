package io.aloft.benchmarks;

import java.io.IOException;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A loaded, fully compacted store with {@code dataToCache} times more data (keys plus values) than block
 * cache: by default 2M keys (232 MB) and a 29 MB cache, so about seven gets in eight miss the cache and
 * read and decompress a block. The files stay in the operating system's page cache (the machine has the
 * memory), so a miss costs a system call, a checksum and LZ4, not a device read.
 */
@State(Scope.Benchmark)
public class LargerThanCacheData {

  @Param({"aloft", "rocksdb", "forst"})
  public String engine;

  @Param("2000000")
  public long keys;

  @Param("8")
  public long dataToCache;

  LoadedStore loaded;

  @Setup(Level.Trial)
  public void load() throws IOException {
    Dataset data = new Dataset(keys);
    loaded = LoadedStore.loaded(engine, data, EngineSettings.withBlockCache(data.rawBytes() / dataToCache));
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    try {
      loaded.report("after the reads");
    } finally {
      loaded.close();
    }
  }
}
