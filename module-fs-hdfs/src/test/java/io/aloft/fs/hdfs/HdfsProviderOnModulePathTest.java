package io.aloft.fs.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.engine.testkit.ChildJvm;
import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.Location;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider is found by {@link ServiceLoader} and works, on the module path (through
 * {@code provides} in module-info, with Hadoop's shaded client jars as automatic modules: their
 * packages do not overlap, so they resolve) and on the class path (through {@code META-INF/services}). Each route compiles a small application
 * ({@code src/test/modulepath}) and launches it in a new JVM that holds only this module
 * ({@code target/classes}) and its runtime dependencies ({@code target/modules}), writing to the shared
 * MiniDFSCluster.
 */
class HdfsProviderOnModulePathTest {

  private static final String MAIN = "io.aloft.fs.hdfs.blackbox.Main";

  @Test
  void serviceLoaderFindsTheProviderOnTheTestClassPath() {
    assertThat(ServiceLoader.load(FileSystemProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(HdfsFileSystemProvider.class);
  }

  @Test
  void anApplicationOnTheModulePathFindsTheProviderAndWritesThroughIt(@TempDir Path dir)
      throws IOException, InterruptedException {
    Location directory = MiniHdfs.shared().freshDirectory("module-path");

    String stdout =
        ChildJvm.runOnModulePath(
            dir,
            // Only the JDK modules that the application and this module's descriptor require:
            // proves the descriptor names every JDK module Hadoop's client needs.
            List.of("--limit-modules", "io.aloft.fs.hdfs.blackbox,io.aloft.fs.hdfs"),
            "io.aloft.fs.hdfs.blackbox/" + MAIN,
            List.of(directory.toString()));

    assertThat(stdout)
        .contains("provider io.aloft.fs.hdfs.HdfsFileSystemProvider in module io.aloft.fs.hdfs\n")
        .contains("hadoop client in module hadoop.client.api (automatic)")
        .contains("read back: written through the HDFS provider")
        .contains("listed: [FileEntry[location=" + directory.resolve("hello.txt") + ", length=33]]");
  }

  @Test
  void anApplicationOnTheClassPathFindsTheProviderAndWritesThroughIt(@TempDir Path dir)
      throws IOException, InterruptedException {
    String classPath = ChildJvm.pluginPath();
    Path application = dir.resolve("application");
    // The same sources, but the descriptor stays out: on the class path every jar is unnamed.
    ChildJvm.compileApplication(List.of("--class-path", classPath), application, "module-info.java");
    Location directory = MiniHdfs.shared().freshDirectory("class-path");

    String stdout =
        ChildJvm.run(dir, List.of("--class-path", classPath + File.pathSeparator + application, MAIN, directory.toString()));

    assertThat(stdout)
        .contains("provider io.aloft.fs.hdfs.HdfsFileSystemProvider in the unnamed module (class path)\n")
        .contains("hadoop client in the unnamed module (class path)")
        .contains("read back: written through the HDFS provider")
        .contains("listed: [FileEntry[location=" + directory.resolve("hello.txt") + ", length=33]]");
  }
}
