package io.aloft.fs.gcs;

import io.aloft.engine.testkit.StateFileSystemConformanceSuite;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract on GCS, against the fake JSON API (whose bytes live in google-cloud-nio's
 * in-memory storage): each test under a fresh prefix of one bucket. List pages of 2 and delete batches
 * of 3, and 256 KiB upload chunks, so pagination, batching and resumable uploads are all reached.
 */
class GcsFileSystemConformanceTest extends StateFileSystemConformanceSuite {

  private static StateFileSystem gcs;

  @BeforeAll
  static void openFileSystem() {
    gcs = GcsFileSystemProvider.open(SharedFakeGcs.get().config(), 2, 3);
  }

  @AfterAll
  static void closeFileSystem() throws IOException {
    if (gcs != null) {
      gcs.close();
    }
  }

  @Override
  protected StateFileSystem fileSystem() {
    return gcs;
  }

  @Override
  protected Location root() {
    return Location.of("gs://conformance/" + UUID.randomUUID());
  }
}
