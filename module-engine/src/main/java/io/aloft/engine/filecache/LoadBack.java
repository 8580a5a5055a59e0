package io.aloft.engine.filecache;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.InputFile;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Brings a file that keeps being read remotely back into the cache: after {@code after} remote reads
 * of an uncached file since it was last cached, the whole file is copied in the background — if the
 * limits make room for it and the policy admits it. This is how a restored or evicted file comes back:
 * on demand, never before it is read.
 *
 * <p>Threading: {@link #missed} runs on readers' threads; copies run on the load-back executor.
 */
final class LoadBack {
  private static final int READ_BYTES = 1 << 20;

  private final FileCache cache;
  private final int after;
  private final Executor executor;
  /** Remote reads of each uncached file since it was last cached or loaded back. */
  private final Map<String, Integer> remoteReads = new ConcurrentHashMap<>();
  /** Files whose copy is scheduled and not yet ended (queued or running); waited on through {@code this}. */
  private final Set<String> loading = ConcurrentHashMap.newKeySet();

  LoadBack(FileCache cache, int after, Executor executor) {
    this.cache = cache;
    this.after = after;
    this.executor = executor != null ? executor : Threads.POOL;
  }

  /** A read of {@code file} went to the remote store; enough of them load the file back. */
  void missed(InputFile file, long knownLength) {
    String key = file.location().toString();
    if (after > 0 && remoteReads.merge(key, 1, Integer::sum) >= after) {
      schedule(file, key, knownLength);
    }
  }

  /** Forgets the reads of {@code key} (its file was deleted or replaced). */
  void forget(String key) {
    remoteReads.remove(key);
  }

  /** Forgets the reads of every file whose key starts with {@code prefix}. */
  void forgetBelow(String prefix) {
    remoteReads.keySet().removeIf(key -> key.startsWith(prefix));
  }

  private void schedule(InputFile file, String key, long knownLength) {
    remoteReads.remove(key);
    if (cache.isCached(key) || !loading.add(key)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            try {
              copy(file, key, knownLength);
            } finally {
              ended(key);
            }
          });
    } catch (RejectedExecutionException e) {
      ended(key);
    }
  }

  private synchronized void ended(String key) {
    loading.remove(key);
    if (loading.isEmpty()) {
      notifyAll();
    }
  }

  /**
   * Waits at most {@code timeout} for every copy scheduled so far to end; whether they did. Once the
   * cache is closed, a running copy stops at its next chunk (after at most one remote read of
   * {@value #READ_BYTES} bytes) and deletes its temporary file, and a queued one does not start: so
   * after this returns true nothing writes to the cache's directory any more.
   */
  synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!loading.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  private void copy(InputFile source, String key, long knownLength) {
    long length;
    try {
      length = knownLength >= 0 ? knownLength : source.length();
    } catch (IOException | RuntimeException e) {
      return; // as a failed read below: the file stays remote, and its next misses try again
    }
    if (!cache.admitsLoadBack(key, length)) {
      return; // the policy prefers the file it would evict: this one stays remote for now
    }
    LocalCopy copy = cache.beginCopy(source.location());
    if (copy == null) {
      return;
    }
    try {
      if (!copy.reserveFor(length)) {
        return; // no room under the limits: the file stays remote
      }
      try (FileInput in = source.newInput()) {
        byte[] buffer = new byte[(int) Math.max(1, Math.min(length, READ_BYTES))];
        for (long position = 0; position < length; ) {
          int n = (int) Math.min(buffer.length, length - position);
          in.readFully(position, buffer, 0, n);
          cache.recordLoadBackRead(n);
          if (!copy.write(buffer, 0, n)) {
            return;
          }
          position += n;
        }
      }
      if (copy.publish()) {
        cache.recordLoadBack();
      }
    } catch (IOException | RuntimeException e) {
      // The remote read failed (the file may have been deleted meanwhile): the file stays remote, and
      // its next misses try again.
      copy.abandon();
    }
  }

  /** Load-backs of every cache in the process: two daemon threads, started on demand. */
  private static final class Threads {
    static final ThreadPoolExecutor POOL = create();

    private static ThreadPoolExecutor create() {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              2,
              2,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              runnable -> {
                Thread t = new Thread(runnable, "aloft-file-cache-load-back");
                t.setDaemon(true);
                return t;
              });
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
  }
}
