package io.aloft.executor;

import io.aloft.spi.executor.ExecutorSettings;
import io.aloft.spi.executor.ExecutorStrategy;
import io.aloft.spi.executor.ExecutorStrategyFactory;
import java.util.List;

/**
 * {@code direct}: every role runs on the caller — the task thread. Nothing overlaps, so remote latency
 * is not hidden; for tests and for measuring the cost of the asynchronous machinery itself.
 */
public final class DirectStrategyFactory implements ExecutorStrategyFactory {

  @Override
  public String name() {
    return "direct";
  }

  @Override
  public ExecutorStrategy create(ExecutorSettings settings) {
    return new PooledStrategy(Runnable::run, Runnable::run, Runnable::run, 1, List.of());
  }
}
