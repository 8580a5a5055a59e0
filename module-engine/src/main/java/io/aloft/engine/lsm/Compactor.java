package io.aloft.engine.lsm;

import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.manifest.Version;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Schedules compactions on their own background thread, one at a time (RocksDB's compaction half of
 * {@code db_impl_compaction_flush}): the {@link CompactionPicker} chooses, the {@link CompactionJob}
 * does, and the result is installed as a new version.
 */
final class Compactor {
  private final VersionSet versions;
  private final ExecutorService thread;
  private final CompactionPicker picker;
  private final CompactionJob job;
  private final AtomicLong compactions = new AtomicLong();
  private boolean running; // versions.lock

  Compactor(VersionSet versions, ExecutorService thread, CompactionPicker picker, CompactionJob job) {
    this.versions = versions;
    this.thread = thread;
    this.picker = picker;
    this.job = job;
  }

  /** Starts a compaction if one is due and none is running. */
  void maybeSchedule() {
    synchronized (versions.lock) {
      if (running || versions.closed || versions.failed()) {
        return;
      }
      CompactionPicker.Compaction pick = picker.pick(versions.current().version);
      if (pick == null) {
        return;
      }
      running = true;
      thread.execute(() -> run(pick));
    }
  }

  private void run(CompactionPicker.Compaction pick) {
    try {
      List<FileMeta> outputs = job.run(pick);
      synchronized (versions.lock) {
        if (versions.closed) {
          running = false;
          versions.lock.notifyAll();
          return; // its outputs are unreferenced: the next open deletes them as orphans
        }
        Version version = versions.current().version.edit(pick.inputs(), pick.outputLevel(), outputs);
        versions.persist(version);
        versions.install(versions.current().imms, version);
        running = false;
        compactions.incrementAndGet();
        maybeSchedule(); // before waiters wake, as the flusher does
        versions.lock.notifyAll();
      }
    } catch (Throwable t) {
      synchronized (versions.lock) {
        running = false;
      }
      versions.fail(t);
    }
  }

  /**
   * Compacts every live file into one sorted level, applying the filter and key-group clipping to all
   * of it. The memtables must be flushed; waits for a running compaction first.
   */
  void compactAll() throws IOException {
    CompactionPicker.Compaction pick;
    synchronized (versions.lock) {
      awaitIdle();
      versions.checkOpen();
      Version v = versions.current().version;
      if (v.allFiles().isEmpty()) {
        return;
      }
      pick = CompactionPicker.all(v);
      running = true;
    }
    run(pick);
    versions.checkOpen();
  }

  /** Waits while a compaction runs; holding the lock. */
  void awaitIdle() throws IOException {
    try {
      while (running) {
        versions.checkOpen();
        versions.lock.wait(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a compaction");
    }
  }

  /** Whether a compaction runs; holding the lock. */
  boolean running() {
    return running;
  }

  long compactions() {
    return compactions.get();
  }

  long bytesCompacted() {
    return job.bytesCompacted();
  }
}
