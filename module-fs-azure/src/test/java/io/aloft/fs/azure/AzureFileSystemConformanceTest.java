package io.aloft.fs.azure;

import io.aloft.engine.testkit.StateFileSystemConformanceSuite;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract on Azure Blob Storage, against Azurite: each test under a fresh directory of one
 * container. Blocks of 1 MiB and list pages of 3 blobs make the suite's large file a block upload and its
 * listings span pages.
 */
class AzureFileSystemConformanceTest extends StateFileSystemConformanceSuite {

  private static final String CONTAINER = "conformance";

  private static StateFileSystem azure;

  @BeforeAll
  static void startStore() {
    AzuriteServer azurite = AzuriteServer.shared();
    azurite.createContainer(CONTAINER);
    azure =
        AzureBlobFileSystemProvider.open(
            azurite.config().with("azure.upload.block-size", "1mb"), 3);
  }

  @AfterAll
  static void closeFileSystem() throws Exception {
    if (azure != null) {
      azure.close();
    }
  }

  @Override
  protected StateFileSystem fileSystem() {
    return azure;
  }

  @Override
  protected Location root() {
    return Location.of(AzuriteServer.wasb(CONTAINER, UUID.randomUUID().toString()));
  }
}
