package io.aloft.engine.lsm;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the reads of one multi-get (file opens, data blocks) in parallel: on remote storage each waits
 * milliseconds for the store, so distinct blocks are fetched at once, as RocksDB's MultiGet does with
 * asynchronous I/O. The calling thread takes part: it claims reads as the pool's threads do, so it never
 * waits behind queued work, only for reads that are running.
 *
 * <p>The pool is shared by every tree in the process: daemon threads, started on demand, at most
 * {@value #MAX_THREADS}.
 */
final class ParallelReads {
  /** Reads one multi-get runs at once, the caller's included. */
  static final int PER_CALL = 8;

  private static final int MAX_THREADS = 32;
  private static final ThreadPoolExecutor POOL = pool();

  /** One read. */
  @FunctionalInterface
  interface Read {
    void run() throws IOException;
  }

  private ParallelReads() {}

  /** Runs every read, up to {@link #PER_CALL} at once; throws the first failure once all have ended. */
  static void run(List<Read> reads) throws IOException {
    if (reads.size() <= 1) {
      for (Read r : reads) {
        r.run();
      }
      return;
    }
    Batch batch = new Batch(reads);
    for (int i = 1; i < Math.min(PER_CALL, reads.size()); i++) {
      try {
        POOL.execute(batch::work);
      } catch (RejectedExecutionException e) {
        break; // the caller does the rest
      }
    }
    try {
      batch.work();
    } finally {
      batch.awaitAll(); // also when the caller's own read failed: the pool's reads still use the view
    }
  }

  /** The reads of one call, claimed one by one by whoever works on them. */
  private static final class Batch {
    private final List<Read> reads;
    private final AtomicInteger next = new AtomicInteger();
    private int done; // this
    private Throwable failure; // this

    Batch(List<Read> reads) {
      this.reads = reads;
    }

    void work() {
      for (int i = next.getAndIncrement(); i < reads.size(); i = next.getAndIncrement()) {
        Throwable failed = null;
        try {
          reads.get(i).run();
        } catch (UncheckedIOException e) {
          failed = e.getCause();
        } catch (Throwable e) {
          failed = e; // an Error too: counted, so that the caller never waits for a read that died
        }
        synchronized (this) {
          if (failed != null && failure == null) {
            failure = failed;
          }
          done++;
          if (done == reads.size()) {
            notifyAll();
          }
        }
      }
    }

    synchronized void awaitAll() throws IOException {
      try {
        while (done < reads.size()) {
          wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted during a multi-get");
      }
      if (failure instanceof IOException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      if (failure != null) {
        throw new IOException(failure);
      }
    }
  }

  private static ThreadPoolExecutor pool() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            MAX_THREADS,
            MAX_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable -> {
              Thread t = new Thread(runnable, "aloft-multi-get-read");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
