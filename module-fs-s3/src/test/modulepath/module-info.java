/**
 * An application that needs {@code s3://} and names no provider: it uses the storage SPI, and the
 * module system binds whichever module provides it. Compiled and launched on the module path by
 * {@code S3ProviderOnModulePathTest}.
 */
module io.aloft.fs.s3.blackbox {
  requires io.aloft.api;

  uses io.aloft.spi.fs.FileSystemProvider;
}
