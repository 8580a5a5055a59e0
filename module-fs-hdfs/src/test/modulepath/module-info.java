/**
 * An application that needs {@code hdfs://} and names no provider: it uses the storage SPI, and the
 * module system binds whichever module provides it. Compiled and launched on the module path by
 * {@code HdfsProviderOnModulePathTest}.
 */
module io.aloft.fs.hdfs.blackbox {
  requires io.aloft.api;

  uses io.aloft.spi.fs.FileSystemProvider;
}
