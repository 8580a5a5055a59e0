package io.aloft.fs.s3;

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
 * AWS SDK's jars as automatic modules). The module-path half compiles a small application module
 * ({@code src/test/modulepath}) and launches it in a new JVM whose module path holds only this module
 * ({@code target/classes}) and its runtime dependencies ({@code target/modules}) — no class path.
 */
class S3ProviderOnModulePathTest {

  private static final String BUCKET = "blackbox";

  @Test
  void serviceLoaderFindsTheProviderOnTheClassPath() {
    assertThat(ServiceLoader.load(FileSystemProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(S3FileSystemProvider.class);
  }

  @Test
  void anApplicationOnTheModulePathFindsTheProviderAndWritesThroughIt(@TempDir Path dir)
      throws IOException, InterruptedException {
    S3ProxyServer proxy = S3ProxyServer.shared();
    proxy.createBucket(BUCKET);
    String stdout =
        ChildJvm.runOnModulePath(
            dir,
            List.of(),
            "io.aloft.fs.s3.blackbox/io.aloft.fs.s3.blackbox.Main",
            List.of(
                proxy.endpoint().toString(),
                S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY,
                BUCKET));

    assertThat(stdout)
        .contains("provider io.aloft.fs.s3.S3FileSystemProvider in module io.aloft.fs.s3\n")
        .contains("sdk in module software.amazon.awssdk.services.s3 (automatic)")
        .contains("read back: written on the module path")
        .contains("listed: [FileEntry[location=s3://blackbox/blackbox/hello.txt, length=26]]");
  }
}
