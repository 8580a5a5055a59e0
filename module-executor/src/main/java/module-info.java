/**
 * Executor strategies for state requests: {@code threads} (coordinator, read pool, write pool),
 * {@code virtual} (virtual threads, Java 21+) and {@code direct} (everything on the caller), chosen by
 * {@code state.backend.forst.executor.strategy}.
 */
module io.aloft.executor {
  requires io.aloft.api;

  provides io.aloft.spi.executor.ExecutorStrategyFactory with
      io.aloft.executor.ThreadsStrategyFactory,
      io.aloft.executor.VirtualThreadsStrategyFactory,
      io.aloft.executor.DirectStrategyFactory;
}
