/**
 * An application that needs {@code abfs://} and {@code wasb://} and names no provider: it uses the
 * storage SPI, and the module system binds whichever module provides it. Compiled and launched on the
 * module path by {@code AzureProviderOnModulePathTest}.
 */
module io.aloft.fs.azure.blackbox {
  requires io.aloft.api;

  uses io.aloft.spi.fs.FileSystemProvider;
}
