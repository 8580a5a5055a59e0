package io.aloft.executor;

import io.aloft.spi.executor.ExecutorSettings;
import io.aloft.spi.executor.ExecutorStrategy;
import io.aloft.spi.executor.ExecutorStrategyFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code threads}: Flink ForSt's three roles on platform threads — a coordinator (or the task thread,
 * with {@code inline-coordinator}), a pool of {@code read-io-parallelism} read threads, and a pool of
 * {@code write-io-parallelism} write threads (or the coordinator, with {@code inline-write}).
 */
public final class ThreadsStrategyFactory implements ExecutorStrategyFactory {

  @Override
  public String name() {
    return "threads";
  }

  @Override
  public ExecutorStrategy create(ExecutorSettings settings) {
    List<ExecutorService> owned = new ArrayList<>();
    Executor coordinator;
    if (settings.inlineCoordinator()) {
      coordinator = Runnable::run; // the caller is the task thread
    } else {
      ExecutorService pool = Executors.newSingleThreadExecutor(named(settings, "coordinator"));
      owned.add(pool);
      coordinator = pool;
    }
    ExecutorService read =
        Executors.newFixedThreadPool(settings.readParallelism(), named(settings, "read"));
    owned.add(read);
    Executor write;
    if (settings.inlineWrite()) {
      write = Runnable::run; // writes run where the coordinator dispatches them
    } else {
      ExecutorService pool =
          Executors.newFixedThreadPool(settings.writeParallelism(), named(settings, "write"));
      owned.add(pool);
      write = pool;
    }
    return new PooledStrategy(coordinator, read, write, settings.readParallelism(), owned);
  }

  static ThreadFactory named(ExecutorSettings settings, String role) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, settings.threadNamePrefix() + "-" + role + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
