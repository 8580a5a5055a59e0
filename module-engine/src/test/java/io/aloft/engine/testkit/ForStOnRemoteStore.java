package io.aloft.engine.testkit;

import io.aloft.config.Config;
import io.aloft.spi.fs.Location;
import java.nio.file.Path;

/**
 * The {@code forst} configuration the end-to-end suites use on a remote store: its checkpoints (and so
 * its SST files) below {@code checkpoints}, and settings small enough that a suite's few kilobytes of
 * data reach SST files and compactions — 64 KiB write buffers, 32 KiB files, 1 KiB blocks — with the
 * block cache off and a 256 KiB file cache, so reads go through the file cache to the store and
 * evictions and load-backs happen while the suite runs.
 */
public final class ForStOnRemoteStore {

  private ForStOnRemoteStore() {}

  /**
   * {@code store} (the provider's own keys) plus forst on it, with its local directory and file cache
   * in {@code dir/local} and {@code dir/cache} (beside each other, so tests can look at the cache alone).
   */
  public static Config config(Config store, Location checkpoints, Path dir) {
    return store
        .with("state.backend.type", "forst")
        .with("execution.checkpointing.dir", checkpoints.toString())
        .with("state.backend.forst.local-dir", dir.resolve("local").toString())
        .with("state.backend.forst.cache.dir", dir.resolve("cache").toString())
        .with("state.backend.forst.cache.size-based-limit", "256kb")
        .with("state.backend.forst.cache.reserve-size", "16mb")
        .with("state.backend.forst.writebuffer.size", "64kb")
        .with("state.backend.forst.compaction.level.target-file-size-base", "32kb")
        .with("state.backend.forst.block.blocksize", "1kb")
        .with("state.backend.forst.block.cache-size", "0");
  }
}
