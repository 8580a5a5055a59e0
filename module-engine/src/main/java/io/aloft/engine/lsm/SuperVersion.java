package io.aloft.engine.lsm;

import io.aloft.engine.lsm.manifest.Version;
import io.aloft.engine.lsm.memtable.MemTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The memtables and files a reader sees, pinned while it reads: reference-counted, so that the files of
 * a version stay until the last reader of it is done (RocksDB's {@code SuperVersion}).
 */
final class SuperVersion {
  final MemTable mem;
  final List<MemTable> imms; // newest first
  final Version version;
  private final List<MemTable> memTables; // mem, then imms: built once, read by every get
  private final AtomicInteger refs = new AtomicInteger(1); // 1 = held by the version set as current
  private final Consumer<Version> onLastRelease;

  SuperVersion(MemTable mem, List<MemTable> imms, Version version, Consumer<Version> onLastRelease) {
    this.mem = mem;
    this.imms = List.copyOf(imms);
    List<MemTable> all = new ArrayList<>(1 + imms.size());
    all.add(mem);
    all.addAll(imms);
    this.memTables = List.copyOf(all);
    this.version = version;
    this.onLastRelease = onLastRelease;
  }

  /** Pins this view if it is still pinned by someone (current, or a reader); false if it is gone. */
  boolean tryRef() {
    while (true) {
      int n = refs.get();
      if (n <= 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void unref() {
    if (refs.decrementAndGet() == 0) {
      onLastRelease.accept(version);
    }
  }

  /** The active memtable, then the immutable ones, newest first. */
  List<MemTable> memTables() {
    return memTables;
  }
}
