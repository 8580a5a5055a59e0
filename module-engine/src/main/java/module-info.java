/**
 * The Aloft engine: the {@link io.aloft.engine.Aloft} entry point, the keyed runtime, the state layer
 * that implements State V2 on any backend's tables, the {@code hashmap} backend and the {@code file://}
 * storage provider. Exports only the entry point; everything else is found through the API's SPIs.
 */
module io.aloft.engine {
  requires transitive io.aloft.api;
  requires com.github.luben.zstd_jni;
  requires org.lz4.java;
  requires java.management;
  // sun.misc.Unsafe.invokeCleaner: unmapping a closed file's memory mapping at once (MappedFileInput).
  requires jdk.unsupported;

  exports io.aloft.engine;
  exports io.aloft.engine.progress to
      io.aloft.cli;
  // The command-line tool reads checkpoints, SST files and manifests with the engine's own readers, and
  // opens stores through the engine's plugins; nothing else sees these packages.
  exports io.aloft.engine.plugins to
      io.aloft.cli;
  exports io.aloft.engine.checkpoint to
      io.aloft.cli;
  exports io.aloft.engine.forst to
      io.aloft.cli;
  exports io.aloft.engine.keyedstate to
      io.aloft.cli;
  exports io.aloft.engine.lsm to
      io.aloft.cli;
  exports io.aloft.engine.lsm.block to
      io.aloft.cli;
  exports io.aloft.engine.lsm.blockcache to
      io.aloft.cli;
  exports io.aloft.engine.lsm.key to
      io.aloft.cli;
  exports io.aloft.engine.lsm.manifest to
      io.aloft.cli;
  exports io.aloft.engine.lsm.sst to
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
