package io.aloft.fs.s3;

import io.aloft.engine.testkit.StateFileSystemConformanceSuite;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The storage contract on S3, against S3Proxy: each test under a fresh prefix of one bucket. */
class S3FileSystemConformanceTest extends StateFileSystemConformanceSuite {

  private static final String BUCKET = "conformance";

  private static StateFileSystem s3;

  @BeforeAll
  static void startStore() {
    S3ProxyServer proxy = S3ProxyServer.shared();
    proxy.createBucket(BUCKET);
    s3 = proxy.fileSystem();
  }

  @AfterAll
  static void closeFileSystem() throws IOException {
    if (s3 != null) {
      s3.close();
    }
  }

  @Override
  protected StateFileSystem fileSystem() {
    return s3;
  }

  @Override
  protected Location root() {
    return Location.of("s3://" + BUCKET + "/" + UUID.randomUUID());
  }
}
