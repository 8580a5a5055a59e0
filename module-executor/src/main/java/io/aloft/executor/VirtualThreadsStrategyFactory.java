package io.aloft.executor;

import io.aloft.spi.executor.ExecutorSettings;
import io.aloft.spi.executor.ExecutorStrategy;
import io.aloft.spi.executor.ExecutorStrategyFactory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * {@code virtual}: reads and writes on virtual threads, one per task, so thousands of reads can wait
 * on remote storage at once without a thread each. Needs Java 21+; the API is looked up at run time
 * so the module still compiles for Java 17, where this strategy fails with a clear error.
 */
public final class VirtualThreadsStrategyFactory implements ExecutorStrategyFactory {

  @Override
  public String name() {
    return "virtual";
  }

  @Override
  public ExecutorStrategy create(ExecutorSettings settings) {
    ExecutorService reads = newVirtualThreadPerTaskExecutor();
    Executor writes;
    ExecutorService ownedWrites = null;
    if (settings.inlineWrite()) {
      writes = Runnable::run;
    } else {
      ownedWrites = newVirtualThreadPerTaskExecutor();
      writes = ownedWrites;
    }
    Executor coordinator = Runnable::run;
    return new PooledStrategy(
        coordinator,
        reads,
        writes,
        Integer.MAX_VALUE,
        ownedWrites == null ? List.of(reads) : List.of(reads, ownedWrites));
  }

  private static ExecutorService newVirtualThreadPerTaskExecutor() {
    try {
      return (ExecutorService)
          MethodHandles.publicLookup()
              .findStatic(
                  java.util.concurrent.Executors.class,
                  "newVirtualThreadPerTaskExecutor",
                  MethodType.methodType(ExecutorService.class))
              .invoke();
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new UnsupportedOperationException(
          "state.backend.forst.executor.strategy 'virtual' needs Java 21 or later; this JVM is Java "
              + Runtime.version().feature() + ". Use 'threads', or run on a newer JDK.",
          e);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("cannot create a virtual-thread executor", e);
    }
  }
}
