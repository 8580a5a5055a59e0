package io.aloft.fs.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.engine.testkit.ChildJvm;
import io.aloft.spi.fs.FileSystemProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider is found by {@link ServiceLoader} and works, both on the class path (through
 * {@code META-INF/services}) and on the module path (through {@code provides} in module-info, with the
 * Azure SDK's own modules). The module-path half compiles a small application module
 * ({@code src/test/modulepath}) and launches it in a new JVM whose module path holds only this module
 * ({@code target/classes}) and its runtime dependencies ({@code target/modules}) — no class path — and
 * has it write, copy and read back a file on Azurite.
 */
class AzureProviderOnModulePathTest {

  private static final String CONTAINER = "blackbox";

  @Test
  void serviceLoaderFindsTheProviderOnTheClassPath() {
    assertThat(ServiceLoader.load(FileSystemProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(AzureBlobFileSystemProvider.class);
  }

  @Test
  void anApplicationOnTheModulePathFindsTheProviderAndWritesThroughIt(@TempDir Path dir)
      throws IOException, InterruptedException {
    AzuriteServer azurite = AzuriteServer.shared();
    azurite.createContainer(CONTAINER);
    String stdout =
        ChildJvm.runOnModulePath(
            dir,
            List.of(),
            "io.aloft.fs.azure.blackbox/io.aloft.fs.azure.blackbox.Main",
            List.of(
                azurite.endpoint(),
                AzuriteServer.ACCOUNT,
                AzuriteServer.ACCOUNT_KEY,
                CONTAINER));

    assertThat(stdout)
        .contains("provider io.aloft.fs.azure.AzureBlobFileSystemProvider in module io.aloft.fs.azure\n")
        .contains("schemes [abfs, abfss, wasb, wasbs]")
        .contains("sdk in module com.azure.storage.blob\n")
        .contains("read back: written on the module path")
        .contains("listed: 2 files");
  }
}
