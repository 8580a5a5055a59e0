package io.aloft.engine.lsm;

import io.aloft.engine.lsm.memtable.MemTable;
import io.aloft.engine.lsm.key.RangeTombstone;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write path (RocksDB's {@code db_impl_write}): a batch goes to the active memtable under the
 * version set's lock; a full memtable becomes immutable and is handed to the {@link Flusher}, and a
 * writer waits (a write stall) while flushes or level 0 are behind.
 */
final class WritePath {
  private final VersionSet versions;
  private final LsmOptions options;
  private final Flusher flusher;
  private final AtomicLong writeStalls = new AtomicLong();
  private final AtomicLong writeStallNanos = new AtomicLong();

  WritePath(VersionSet versions, LsmOptions options, Flusher flusher) {
    this.versions = versions;
    this.options = options;
    this.flusher = flusher;
  }

  /** Applies the mutations in order, atomically with respect to readers of single keys. */
  void write(List<LsmTree.Mutation> batch) throws IOException {
    synchronized (versions.lock) {
      versions.checkOpen();
      makeRoomForWrite();
      MemTable active = versions.active;
      for (LsmTree.Mutation m : batch) {
        long seq = versions.nextSeq();
        if (m.rangeEnd() != null) {
          active.addRangeTombstone(new RangeTombstone(m.key(), m.rangeEnd(), seq));
        } else {
          active.add(m.key(), seq, m.kind(), m.value());
        }
      }
    }
  }

  /** Switches a full memtable, waiting while flushes or level 0 are behind; holding the lock. */
  private void makeRoomForWrite() throws IOException {
    long stallStart = 0;
    try {
      while (true) {
        versions.checkOpen();
        SuperVersion sv = versions.current();
        boolean memFull = versions.active.approximateBytes() >= options.writeBufferBytes();
        boolean immsFull = sv.imms.size() >= options.writeBufferCount() - 1;
        boolean level0Full = sv.version.level(0).size() >= options.level0StopWritesTrigger();
        if (level0Full || (memFull && immsFull)) {
          if (stallStart == 0) {
            stallStart = System.nanoTime();
            writeStalls.incrementAndGet();
          }
          versions.lock.wait(100);
          continue;
        }
        if (memFull) {
          switchMemTable();
        }
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during a write stall");
    } finally {
      if (stallStart != 0) {
        writeStallNanos.addAndGet(System.nanoTime() - stallStart);
      }
    }
  }

  /** Makes the active memtable immutable and schedules its flush; holding the lock. */
  void switchMemTable() {
    List<MemTable> imms = new ArrayList<>();
    imms.add(versions.active);
    imms.addAll(versions.current().imms);
    versions.active = versions.newMemTable();
    versions.install(imms, versions.current().version);
    flusher.scheduleFlush();
  }

  long writeStalls() {
    return writeStalls.get();
  }

  long writeStallNanos() {
    return writeStallNanos.get();
  }
}
