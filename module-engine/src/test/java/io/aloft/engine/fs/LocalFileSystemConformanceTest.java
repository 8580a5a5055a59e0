package io.aloft.engine.fs;

import io.aloft.config.Config;
import io.aloft.engine.testkit.StateFileSystemConformanceSuite;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract, on the local file system. */
class LocalFileSystemConformanceTest extends StateFileSystemConformanceSuite {

  private static final StateFileSystem LOCAL =
      new LocalFileSystemProvider().create("file", Config.empty());

  @TempDir Path dir;

  @Override
  protected StateFileSystem fileSystem() {
    return LOCAL;
  }

  @Override
  protected Location root() {
    return Location.of("file://" + dir.toAbsolutePath().resolve("root"));
  }
}
