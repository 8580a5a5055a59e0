package io.aloft.fs.gcs;

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
 * generated JSON-API client, google-http-client and google-auth-library as automatic
 * modules). The module-path half compiles a small application module
 * ({@code src/test/modulepath}) and launches it in a new JVM whose module path holds only this module
 * ({@code target/classes}) and its runtime dependencies ({@code target/modules}) — no class path.
 */
class GcsProviderOnModulePathTest {

  private static final String BUCKET = "blackbox";

  @Test
  void serviceLoaderFindsTheProviderOnTheClassPath() {
    assertThat(ServiceLoader.load(FileSystemProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(GcsFileSystemProvider.class);
  }

  @Test
  void anApplicationOnTheModulePathFindsTheProviderAndWritesThroughIt(@TempDir Path dir)
      throws IOException, InterruptedException {
    FakeGcs store = SharedFakeGcs.get();
    String stdout =
        ChildJvm.runOnModulePath(
            dir, List.of(), "io.aloft.fs.gcs.blackbox/io.aloft.fs.gcs.blackbox.Main", List.of(store.endpoint(), BUCKET));

    assertThat(stdout)
        .contains("provider io.aloft.fs.gcs.GcsFileSystemProvider in module io.aloft.fs.gcs\n")
        .contains("client in module com.google.api.services.storage (automatic)")
        .contains("google-cloud-storage present: false")
        .contains("read back: written on the module path")
        .contains("listed: [FileEntry[location=gs://blackbox/blackbox/hello.txt, length=26]]")
        .contains("second exclusive create: already exists");
  }
}
