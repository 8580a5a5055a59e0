package io.aloft.fs.hdfs;

import io.aloft.engine.testkit.StateFileSystemConformanceSuite;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract on HDFS, against the shared MiniDFSCluster: each test under a fresh directory.
 * Blocks of 256 KiB make the suite's larger files span several blocks.
 */
class HdfsFileSystemConformanceTest extends StateFileSystemConformanceSuite {

  private static StateFileSystem hdfs;

  @BeforeAll
  static void startCluster() {
    hdfs = MiniHdfs.shared().fileSystem();
  }

  @AfterAll
  static void closeFileSystem() throws IOException {
    if (hdfs != null) {
      hdfs.close();
    }
  }

  @Override
  protected StateFileSystem fileSystem() {
    return hdfs;
  }

  @Override
  protected Location root() {
    return MiniHdfs.shared().freshDirectory("conformance");
  }
}
