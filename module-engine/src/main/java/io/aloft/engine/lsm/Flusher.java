package io.aloft.engine.lsm;

import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.manifest.Version;
import io.aloft.engine.lsm.memtable.MemTable;
import io.aloft.engine.lsm.key.RangeTombstone;
import io.aloft.engine.lsm.sst.SstProperties;
import io.aloft.engine.lsm.sst.SstWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Flushes immutable memtables to level-0 files on its own background thread, oldest first (RocksDB's
 * flush half of {@code db_impl_compaction_flush}), and asks the {@link Compactor} to look for work
 * after each.
 */
final class Flusher {
  private final VersionSet versions;
  private final ExecutorService thread;
  private final Compactor compactor;
  private final AtomicLong flushes = new AtomicLong();
  private final AtomicLong bytesFlushed = new AtomicLong();

  Flusher(VersionSet versions, ExecutorService thread, Compactor compactor) {
    this.versions = versions;
    this.thread = thread;
    this.compactor = compactor;
  }

  /** Schedules the flush of the oldest immutable memtable. */
  void scheduleFlush() {
    thread.execute(this::flushOldest);
  }

  /** Waits until every immutable memtable is flushed; holding the lock (the active one is switched by the caller). */
  void awaitFlushed() throws IOException {
    try {
      while (!versions.current().imms.isEmpty()) {
        versions.checkOpen();
        versions.lock.wait(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a flush");
    }
  }

  private void flushOldest() {
    try {
      SuperVersion sv = versions.acquire();
      MemTable imm;
      try {
        if (sv.imms.isEmpty()) {
          return;
        }
        imm = sv.imms.get(sv.imms.size() - 1);
      } finally {
        sv.unref();
      }
      FileMeta file = imm.isEmpty() ? null : writeLevel0(imm);
      synchronized (versions.lock) {
        Version version = versions.current().version;
        if (file != null) {
          version = version.edit(List.of(), 0, List.of(file));
          versions.persist(version);
        }
        List<MemTable> imms = new ArrayList<>(versions.current().imms);
        imms.removeIf(m -> m == imm);
        versions.install(imms, version);
        flushes.incrementAndGet();
        // Scheduled before waiters wake, so awaitBackgroundWork never sees a due compaction as idle.
        compactor.maybeSchedule();
        versions.lock.notifyAll();
      }
    } catch (Throwable t) {
      versions.fail(t);
    }
  }

  private FileMeta writeLevel0(MemTable imm) throws IOException {
    VersionSet.NewFile file = versions.newFile(0);
    try (SstWriter writer = file.writer()) {
      var it = imm.iterator(null);
      while (it.hasNext()) {
        writer.add(it.next());
      }
      for (RangeTombstone t : imm.rangeTombstones()) {
        writer.addRangeTombstone(t);
      }
      SstProperties p = writer.finish();
      bytesFlushed.addAndGet(p.fileSize());
      FileMeta meta = FileMeta.of(file.number(), file.name(), p);
      versions.written(meta);
      return meta;
    }
  }

  /** Whether immutable memtables wait for their flush. */
  boolean pending() {
    return !versions.current().imms.isEmpty();
  }

  long flushes() {
    return flushes.get();
  }

  long bytesFlushed() {
    return bytesFlushed.get();
  }
}
