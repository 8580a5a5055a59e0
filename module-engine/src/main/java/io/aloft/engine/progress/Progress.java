package io.aloft.engine.progress;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Progress of one long piece of work (a restore, a checkpoint verification, a large compaction):
 * files and bytes done of a known total, reported through {@code System.Logger} at INFO at most once
 * per interval (default {@link #DEFAULT_LOG_INTERVAL}), with one last line when work that outlived the
 * interval ends — short work logs nothing. A listener (the command-line tool's progress bar) sees every
 * update.
 *
 * <p>Thread-safe: the parallel parts of a task call {@link #advance} concurrently.
 */
public final class Progress {
  /** How often a task logs its progress at most. */
  public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(5);

  /**
   * One reading of a task's progress.
   *
   * @param task what is being done, e.g. {@code "restore of checkpoint 7 (job-0of2)"}
   * @param elapsed time since the task started
   * @param finished whether {@link #finish()} was called
   */
  public record Snapshot(
      String task, long filesDone, long filesTotal, long bytesDone, long bytesTotal, Duration elapsed,
      boolean finished) {
    /** Fraction of the bytes done (of the files when no bytes are known), in [0, 1]. */
    public double fraction() {
      if (bytesTotal > 0) {
        return Math.min(1.0, (double) bytesDone / bytesTotal);
      }
      return filesTotal > 0 ? Math.min(1.0, (double) filesDone / filesTotal) : (finished ? 1.0 : 0.0);
    }

    /** The line logged, e.g. {@code "restore of checkpoint 7: 12/40 files, 96.0 MiB/310.2 MiB (31%) in 4.1 s"}. */
    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT,
          "%s: %d/%d files, %s/%s (%d%%) %s %.1f s",
          task, filesDone, filesTotal, bytes(bytesDone), bytes(bytesTotal), Math.round(fraction() * 100),
          finished ? "done in" : "in", elapsed.toMillis() / 1000.0);
    }
  }

  private static final System.Logger LOG = System.getLogger(Progress.class.getName());

  private final String task;
  private final long filesTotal;
  private final long bytesTotal;
  private final System.Logger log;
  private final long logIntervalNanos;
  private final Consumer<Snapshot> listener;
  private final LongSupplier clock;
  private final long started;
  private final AtomicLong filesDone = new AtomicLong();
  private final AtomicLong bytesDone = new AtomicLong();
  private final AtomicLong lastLogged;
  private volatile boolean finished;
  private volatile boolean ended; // finished or failed
  private volatile boolean logged;

  private Progress(
      String task, long filesTotal, long bytesTotal, System.Logger log, Duration logInterval,
      Consumer<Snapshot> listener, LongSupplier clock) {
    this.task = Objects.requireNonNull(task, "task");
    this.filesTotal = filesTotal;
    this.bytesTotal = bytesTotal;
    this.log = Objects.requireNonNull(log, "log");
    this.logIntervalNanos = logInterval.toNanos();
    this.listener = listener == null ? s -> {} : listener;
    this.clock = clock;
    this.started = clock.getAsLong();
    this.lastLogged = new AtomicLong(started);
  }

  /** Starts a task of {@code filesTotal} files holding {@code bytesTotal} bytes, logged by this class's logger. */
  public static Progress start(String task, long filesTotal, long bytesTotal) {
    return start(task, filesTotal, bytesTotal, null);
  }

  /** {@link #start(String, long, long)} with a listener that sees every update. */
  public static Progress start(String task, long filesTotal, long bytesTotal, Consumer<Snapshot> listener) {
    return new Progress(task, filesTotal, bytesTotal, LOG, DEFAULT_LOG_INTERVAL, listener, System::nanoTime);
  }

  /** For tests: another logger, interval and clock (nanoseconds). */
  public static Progress start(
      String task, long filesTotal, long bytesTotal, System.Logger log, Duration logInterval,
      Consumer<Snapshot> listener, LongSupplier nanoClock) {
    return new Progress(task, filesTotal, bytesTotal, log, logInterval, listener, nanoClock);
  }

  /** Records {@code files} more files and {@code bytes} more bytes done. */
  public void advance(long files, long bytes) {
    long f = filesDone.addAndGet(files);
    long b = bytesDone.addAndGet(bytes);
    long now = clock.getAsLong();
    Snapshot snapshot = new Snapshot(task, f, filesTotal, b, bytesTotal, Duration.ofNanos(now - started), false);
    listener.accept(snapshot);
    long last = lastLogged.get();
    if (now - last >= logIntervalNanos && lastLogged.compareAndSet(last, now)) {
      logged = true;
      log.log(System.Logger.Level.INFO, snapshot.toString());
    }
  }

  /** Ends the task: the listener sees the final reading, which is logged if the task logged before or outlived the interval. */
  public Snapshot finish() {
    return end(true);
  }

  /**
   * Ends a task that failed: the listener sees the last reading (not finished), and a line saying where
   * it stopped is logged if the task logged before or outlived the interval.
   */
  public void fail() {
    end(false);
  }

  /** Ends the task once (a second end changes nothing): finished, or failed. */
  private synchronized Snapshot end(boolean completed) {
    if (ended) {
      return snapshot();
    }
    ended = true;
    finished = completed;
    Snapshot last = snapshot();
    listener.accept(last);
    if (logged || last.elapsed().toNanos() >= logIntervalNanos) {
      log.log(
          System.Logger.Level.INFO,
          completed
              ? last.toString()
              : last.task() + ": failed after " + last.filesDone() + "/" + last.filesTotal() + " files, "
                  + bytes(last.bytesDone()) + "/" + bytes(last.bytesTotal()) + " in "
                  + String.format(java.util.Locale.ROOT, "%.1f s", last.elapsed().toMillis() / 1000.0));
    }
    return last;
  }

  /** The current reading. */
  public Snapshot snapshot() {
    return new Snapshot(
        task, filesDone.get(), filesTotal, bytesDone.get(), bytesTotal,
        Duration.ofNanos(clock.getAsLong() - started), finished);
  }

  /** {@code 1536} as {@code "1.5 KiB"}. */
  public static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int unit = -1;
    while (v >= 1024 && unit < units.length - 1) {
      v /= 1024;
      unit++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[unit]);
  }
}
