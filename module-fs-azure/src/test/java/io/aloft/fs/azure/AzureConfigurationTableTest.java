package io.aloft.fs.azure;

import io.aloft.engine.testkit.ConfigTables;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The key table in {@code docs/storage-azure.md} is the provider's {@code options()}. */
class AzureConfigurationTableTest {

  @Test
  void theDocumentedKeyTableListsEveryOptionWithItsDefault() throws IOException {
    ConfigTables.assertCurrent(
        Path.of("..", "docs", "storage-azure.md"),
        "<!-- azure-config-table:start (generated from AzureBlobFileSystemProvider.options()) -->",
        "<!-- azure-config-table:end -->",
        new AzureBlobFileSystemProvider().options(),
        "./mvnw -pl module-fs-azure test -Dtest=AzureConfigurationTableTest");
  }
}
