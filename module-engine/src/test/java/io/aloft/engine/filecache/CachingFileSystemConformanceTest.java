package io.aloft.engine.filecache;

import io.aloft.engine.testkit.StateFileSystemConformanceSuite;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache is a {@link StateFileSystem} like any other: the storage contract holds through it, with
 * every file cacheable, a small chunk size, and each file loaded back at its first remote read, so
 * reads go through local copies as much as they can.
 */
class CachingFileSystemConformanceTest extends StateFileSystemConformanceSuite {
  @TempDir Path dir;
  private CachingFileSystem cache;

  @Override
  protected StateFileSystem fileSystem() {
    try {
      CacheFixture fx = new CacheFixture(dir);
      cache = fx.cache(new RecencyPolicy()).chunkSize(512).sizeLimit(16L << 20).build();
      return cache;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Location root() {
    return Location.of(dir.resolve("remote").resolve("root").toAbsolutePath().toString());
  }

  @AfterEach
  void closeCache() {
    cache.close();
  }
}
