package io.aloft.executor;

import io.aloft.spi.executor.ExecutorStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** A strategy made of executors, some of which it owns and shuts down on close. */
final class PooledStrategy implements ExecutorStrategy {
  private final Executor coordinator;
  private final Executor read;
  private final Executor write;
  private final int readConcurrency;
  private final List<ExecutorService> owned;

  PooledStrategy(
      Executor coordinator, Executor read, Executor write, int readConcurrency, List<ExecutorService> owned) {
    this.coordinator = coordinator;
    this.read = read;
    this.write = write;
    this.readConcurrency = readConcurrency;
    this.owned = new ArrayList<>(owned);
  }

  @Override
  public Executor coordinator() {
    return coordinator;
  }

  @Override
  public Executor readExecutor() {
    return read;
  }

  @Override
  public Executor writeExecutor() {
    return write;
  }

  @Override
  public int readConcurrency() {
    return readConcurrency;
  }

  @Override
  public void close() {
    for (ExecutorService pool : owned) {
      pool.shutdown();
    }
    for (ExecutorService pool : owned) {
      try {
        if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
          pool.shutdownNow();
        }
      } catch (InterruptedException e) {
        pool.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
