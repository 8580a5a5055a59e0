package io.aloft.spi.backend;

import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

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
   * The values of the rows {@code gets} name (null for absent rows), in the order of {@code gets}, read
   * from one consistent view of the backend: a multi-get. The runtime hands a batch's point reads over
   * in sorted runs of keys, one call per read thread ({@link
   * io.aloft.spi.executor.ExecutorStrategy#readConcurrency()} calls run in parallel), so a backend can
   * fetch what several keys share once. The default reads the rows one after another through their
   * tables.
   */
  default List<byte[]> multiGet(List<RowGet> gets) throws IOException {
    List<byte[]> values = new ArrayList<>(gets.size());
    for (RowGet get : gets) {
      values.add(get.table().get(get.key()));
    }
    return values;
  }

  /**
   * Applies {@code writes} in order, as one atomic write where the backend supports it; a merge sees
   * the earlier writes of the same call. The runtime hands a batch's writes over in one call. The
   * default applies them one after another through their tables.
   *
   * @throws IOException if the writes as a whole could not be applied; none of them then took effect
   *     where the backend batches, and the caller fails every request they came from
   */
  default void write(List<RowWrite> writes) throws IOException {
    for (RowWrite write : writes) {
      write.applyToTable();
    }
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
   * the caller may keep. Names are documented with each backend; the default has none. Called from any
   * thread (monitoring reads it while the task thread works), also while and after the backend closes:
   * read counters that are safe to read concurrently (atomics, volatile fields), and never block on
   * the task thread's work.
   */
  default java.util.Map<String, Long> metrics() {
    return java.util.Map.of();
  }

  /** Releases memory, files and threads. */
  @Override
  void close() throws IOException;
}
