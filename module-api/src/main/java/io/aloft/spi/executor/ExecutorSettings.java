package io.aloft.spi.executor;

import java.util.Objects;

/**
 * How state requests of one backend instance are to be executed.
 *
 * @param readParallelism threads (or concurrent tasks) serving reads; at least 1
 * @param writeParallelism threads serving writes; at least 1
 * @param inlineWrite run writes on the coordinator instead of the write pool
 * @param inlineCoordinator let the task thread act as the coordinator
 * @param threadNamePrefix prefix of the names of threads the strategy starts
 */
public record ExecutorSettings(
    int readParallelism,
    int writeParallelism,
    boolean inlineWrite,
    boolean inlineCoordinator,
    String threadNamePrefix) {
  public ExecutorSettings {
    if (readParallelism < 1 || writeParallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    Objects.requireNonNull(threadNamePrefix, "threadNamePrefix");
  }
}
