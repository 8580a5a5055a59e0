package io.aloft.spi.executor;

/**
 * Creates {@link ExecutorStrategy}s of one kind. Found with {@link java.util.ServiceLoader} and chosen by
 * {@code state.backend.forst.executor.strategy}.
 */
public interface ExecutorStrategyFactory {

  /** The value of {@code state.backend.forst.executor.strategy} that selects this strategy. */
  String name();

  /**
   * Creates a strategy.
   *
   * @throws UnsupportedOperationException if the strategy cannot run on this JVM (saying why)
   */
  ExecutorStrategy create(ExecutorSettings settings);
}
