/**
 * The Aloft API: what applications write against and what plugins implement.
 *
 * <ul>
 *   <li>{@code io.aloft.state} — Flink's State V2 asynchronous state API and the state descriptors;
 *   <li>{@code io.aloft.serde} — binary serializers, stable because their output is stored in checkpoints;
 *   <li>{@code io.aloft.config} — typed configuration loaded from {@code config.yaml};
 *   <li>{@code io.aloft.process} — keyed processing: the user function and the processor that runs it;
 *   <li>{@code io.aloft.spi.*} — the plugin contracts: storage, state backend, cache policy, executor strategy.
 * </ul>
 *
 * <p>Plugins depend on this module only, never on the engine.
 */
module io.aloft.api {
  requires org.snakeyaml.engine;

  exports io.aloft.state;
  exports io.aloft.serde;
  exports io.aloft.config;
  exports io.aloft.process;
  exports io.aloft.metrics;
  exports io.aloft.spi.fs;
  exports io.aloft.spi.fs.blob;
  exports io.aloft.spi.backend;
  exports io.aloft.spi.cache;
  exports io.aloft.spi.executor;
  // The one StateFuture implementation, shared with the runtime but not part of the API.
  exports io.aloft.internal to
      io.aloft.engine;
}
