package io.aloft.cli;

import io.aloft.engine.progress.Progress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A progress bar on one terminal line, redrawn with {@code \r} at most every {@link #REDRAW_NANOS}
 * (and once more when the task finishes, ending the line). Receives {@link Progress} updates from any
 * thread.
 */
final class ProgressBar implements Consumer<Progress.Snapshot> {
  static final long REDRAW_NANOS = 100_000_000L;
  private static final int WIDTH = 24;

  private final PrintWriter out;
  private final LongSupplier clock;
  private final AtomicLong lastDrawn;
  private int lastLength; // guarded by this

  ProgressBar(PrintWriter out, LongSupplier nanoClock) {
    this.out = out;
    this.clock = nanoClock;
    this.lastDrawn = new AtomicLong(nanoClock.getAsLong() - REDRAW_NANOS);
  }

  @Override
  public void accept(Progress.Snapshot s) {
    long now = clock.getAsLong();
    long last = lastDrawn.get();
    if (!s.finished() && (now - last < REDRAW_NANOS || !lastDrawn.compareAndSet(last, now))) {
      return;
    }
    draw(s);
  }

  private synchronized void draw(Progress.Snapshot s) {
    String line = line(s);
    StringBuilder b = new StringBuilder("\r").append(line);
    for (int i = line.length(); i < lastLength; i++) {
      b.append(' ');
    }
    lastLength = line.length();
    out.print(b);
    if (s.finished()) {
      out.println();
    }
    out.flush();
  }

  /** {@code [#########---------------]  37%  5/14 files  1.6 MiB/4.2 MiB  0.4 s}. */
  static String line(Progress.Snapshot s) {
    int filled = (int) Math.round(s.fraction() * WIDTH);
    return String.format(
        Locale.ROOT,
        "[%s%s] %3d%%  %d/%d files  %s/%s  %.1f s",
        "#".repeat(filled), "-".repeat(WIDTH - filled), Math.round(s.fraction() * 100), s.filesDone(),
        s.filesTotal(), Progress.bytes(s.bytesDone()), Progress.bytes(s.bytesTotal()),
        s.elapsed().toMillis() / 1000.0);
  }
}
