package io.aloft.fs.s3;

import io.aloft.engine.testkit.ConfigTables;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The key table in {@code docs/storage-s3.md} is the provider's {@code options()}. */
class S3ConfigurationTableTest {

  @Test
  void theDocumentedKeyTableListsEveryOptionWithItsDefault() throws IOException {
    ConfigTables.assertCurrent(
        Path.of("..", "docs", "storage-s3.md"),
        "<!-- s3-config-table:start (generated from S3FileSystemProvider.options()) -->",
        "<!-- s3-config-table:end -->",
        new S3FileSystemProvider().options(),
        "./mvnw -pl module-fs-s3 test -Dtest=S3ConfigurationTableTest");
  }
}
