/**
 * An application that needs {@code gs://} and names no provider: it uses the storage SPI, and the
 * module system binds whichever module provides it. Compiled and launched on the module path by
 * {@code GcsProviderOnModulePathTest}.
 */
module io.aloft.fs.gcs.blackbox {
  requires io.aloft.api;

  uses io.aloft.spi.fs.FileSystemProvider;
}
