package io.aloft.benchmarks;

import java.io.IOException;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A loaded, fully compacted store whose data fits in the block cache: by default 1M keys (116 MB of
 * keys and values, about 115 MiB of uncompressed blocks) and a 256 MiB cache. The warm-up iterations
 * read every block at least once, so measured reads hit the cache.
 */
@State(Scope.Benchmark)
public class InCacheData {

  @Param({"aloft", "rocksdb", "forst"})
  public String engine;

  @Param("1000000")
  public long keys;

  @Param("256")
  public long cacheMb;

  LoadedStore loaded;

  @Setup(Level.Trial)
  public void load() throws IOException {
    loaded = LoadedStore.loaded(engine, new Dataset(keys), EngineSettings.withBlockCache(cacheMb * EngineSettings.MIB));
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
