/**
 * The Aloft engine: the {@link io.aloft.engine.Aloft} entry point, the keyed runtime, the state layer
 * that implements State V2 on any backend's tables, the {@code hashmap} backend and the {@code file://}
 * storage provider. Exports only the entry point; everything else is found through the API's SPIs.
 */
module io.aloft.engine {
  requires transitive io.aloft.api;
  requires com.github.benmanes.caffeine;
  requires com.github.luben.zstd_jni;
  requires org.lz4.java;

  exports io.aloft.engine;
  exports io.aloft.engine.progress to
      io.aloft.cli;

  uses io.aloft.spi.fs.FileSystemProvider;
  uses io.aloft.spi.backend.StateBackendFactory;
  uses io.aloft.spi.cache.CachePolicyFactory;
  uses io.aloft.spi.executor.ExecutorStrategyFactory;

  provides io.aloft.spi.fs.FileSystemProvider with
      io.aloft.engine.fs.LocalFileSystemProvider;
  provides io.aloft.spi.backend.StateBackendFactory with
      io.aloft.engine.heap.HeapStateBackendFactory,
      io.aloft.engine.forst.ForStStateBackendFactory;
}
