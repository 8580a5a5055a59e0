package io.aloft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.engine.progress.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress bar {@code checkpoint verify} draws on a terminal. */
class ProgressBarCliTest {

  private static Progress.Snapshot snapshot(long files, long bytes, boolean finished) {
    return new Progress.Snapshot("verify of checkpoint 6", files, 14, bytes, 4L << 20, Duration.ofMillis(1500), finished);
  }

  @Test
  void theLineShowsTheBarFilesAndBytesDoneOfTheTotal() {
    assertThat(ProgressBar.line(snapshot(7, 2L << 20, false)))
        .isEqualTo("[############------------]  50%  7/14 files  2.0 MiB/4.0 MiB  1.5 s");
  }

  @Test
  void updatesAreDrawnAtMostEveryHundredMillisecondsAndTheLastOneEndsTheLine() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    StringWriter out = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(out), now::get);

    bar.accept(snapshot(1, 1L << 20, false)); // drawn: the first update
    now.addAndGet(50_000_000L);
    bar.accept(snapshot(2, 1L << 20, false)); // 50 ms later: skipped
    now.addAndGet(60_000_000L);
    bar.accept(snapshot(3, 2L << 20, false)); // 110 ms after the first: drawn
    bar.accept(snapshot(14, 4L << 20, true)); // finished: always drawn, then a new line

    String drawn = out.toString();
    assertThat(drawn.split("\r", -1)).hasSize(4); // "" before the first \r, then three drawings
    assertThat(drawn).contains(" 1/14 files").doesNotContain(" 2/14 files").contains(" 3/14 files")
        .endsWith("14/14 files  4.0 MiB/4.0 MiB  1.5 s" + System.lineSeparator());
  }
}
