package io.aloft.spi.backend;

import io.aloft.spi.fs.Location;
import java.io.IOException;

/**
 * The keyed state of one processor instance: a set of {@link StateTable}s, one per state.
 */
public interface KeyedStateBackend extends AutoCloseable {

  /**
   * The table for {@code spec}, created on first use. Asking again with the same name returns the same
   * table.
   */
  StateTable table(TableSpec spec) throws IOException;

  /**
   * Whether state requests should go through the asynchronous execution controller (batched, many in
   * flight, executed on I/O threads). True for backends whose reads may wait on remote storage; false
   * (the default) for backends that answer at once, whose requests then run directly on the task
   * thread and whose futures complete immediately.
   */
  default boolean prefersAsyncExecution() {
    return false;
  }

  /**
   * Runs the writes of one batch — calls on this backend's tables, made by {@code writes} on the
   * calling thread — as one atomic write where the backend supports it. Reads made inside
   * {@code writes} must see the earlier writes of the same batch. The default runs them directly.
   *
   * @throws IOException if the batch as a whole could not be written; none of it then took effect
   *     where the backend batches, and the caller fails every write of the batch
   */
  default void runWriteBatch(IoRunnable writes) throws IOException {
    writes.run();
  }

  /**
   * Runs the reads of one batch (calls on this backend's tables made by {@code reads} on the calling
   * thread) against one consistent view, as a multi-get. The default runs them directly.
   */
  default void runReadBatch(IoRunnable reads) throws IOException {
    reads.run();
  }

  /** A block of table calls. */
  @FunctionalInterface
  interface IoRunnable {
    void run() throws IOException;
  }

  /**
   * Makes the current state part of a checkpoint; the runtime has drained every in-flight request.
   * Must not block longer than the state's own durability requires (the {@code forst} backend flushes
   * its memtables and lists its files).
   *
   * @throws UnsupportedOperationException if the backend cannot take checkpoints (the message says so)
   */
  default SnapshotResult snapshot(SnapshotRequest request) throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot take checkpoints");
  }

  /**
   * Checkpoint {@code checkpointId} is no longer retained: files only it needed may be deleted.
   */
  default void checkpointSubsumed(long checkpointId) throws IOException {}

  /**
   * Whether this backend may still read files below {@code dir}, a checkpoint root it was restored
   * from. While it may, the runtime keeps its hold on the checkpoint it restored from another job's
   * root, so that job does not delete the files. The default says yes, which is always safe; backends
   * that load or download their state when they open ({@code hashmap}, {@code rocksdb}) say no.
   */
  default boolean readsBelow(Location dir) {
    return true;
  }

  /**
   * This instance's counters and gauges now, by name (for example {@code forst.cache.hits}), in a map
   * the caller may keep. Names are documented with each backend; the default has none.
   */
  default java.util.Map<String, Long> metrics() {
    return java.util.Map.of();
  }

  /** Releases memory, files and threads. */
  @Override
  void close() throws IOException;
}
