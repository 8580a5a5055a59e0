/**
 * The {@code aloft} command-line tool: inspects SST files, manifests and checkpoint roots with the
 * engine's own readers, verifies checkpoints, finds files no checkpoint needs, and benchmarks the LSM
 * engine against a store. Stores are reached through whichever storage providers are on the module
 * path. Exports nothing: it is run, not linked against ({@code io.aloft.cli.AloftCli}).
 */
module io.aloft.cli {
  requires io.aloft.engine;
  requires info.picocli;
  // One-line log records on standard error (the engine reports progress through System.Logger).
  requires java.logging;

  // picocli sets the annotated option fields reflectively.
  opens io.aloft.cli to
      info.picocli;
}
