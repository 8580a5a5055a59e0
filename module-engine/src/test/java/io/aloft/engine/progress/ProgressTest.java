package io.aloft.engine.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Progress logs at most once per interval, a last line for long work only, and tells its listener everything. */
class ProgressTest {
  /** A System.Logger that keeps its INFO lines. */
  static final class Lines implements System.Logger {
    final List<String> lines = new ArrayList<>();

    @Override
    public String getName() {
      return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(level + " " + msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(level + " " + format);
    }
  }

  @Test
  void longWorkLogsAtMostOncePerIntervalAndOnceAtTheEnd() {
    AtomicLong nanos = new AtomicLong();
    Lines log = new Lines();
    List<Progress.Snapshot> seen = new ArrayList<>();
    Progress p = Progress.start("verify chk-7", 100, 100 * 1024 * 1024, log, Duration.ofSeconds(5), seen::add, nanos::get);
    for (int i = 0; i < 100; i++) {
      nanos.addAndGet(Duration.ofMillis(300).toNanos()); // 30 s in all
      p.advance(1, 1024 * 1024);
    }
    Progress.Snapshot last = p.finish();
    assertThat(seen).hasSize(101);
    assertThat(last.finished()).isTrue();
    assertThat(last.fraction()).isEqualTo(1.0);
    // one line per 5 s (at 5.1, 10.2, 15.3, 20.4 and 25.5 s: 300 ms steps), plus the last
    assertThat(log.lines).hasSize(6);
    assertThat(log.lines).allSatisfy(l -> assertThat(l).startsWith("INFO verify chk-7: "));
    assertThat(log.lines.get(0)).contains("17/100 files", "17.0 MiB/100.0 MiB (17%)");
    assertThat(log.lines.get(5)).contains("100/100 files", "(100%) done in 30.0 s");
  }

  @Test
  void shortWorkLogsNothing() {
    AtomicLong nanos = new AtomicLong();
    Lines log = new Lines();
    Progress p = Progress.start("restore", 3, 0, log, Duration.ofSeconds(5), null, nanos::get);
    p.advance(3, 0);
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    Progress.Snapshot last = p.finish();
    assertThat(log.lines).isEmpty();
    assertThat(last.fraction()).isEqualTo(1.0); // files, when no bytes are known
    assertThat(p.finish()).isEqualTo(p.snapshot()); // finishing twice changes nothing
  }

  @Test
  void failedLongWorkSaysWhereItStopped() {
    AtomicLong nanos = new AtomicLong();
    Lines log = new Lines();
    List<Progress.Snapshot> seen = new ArrayList<>();
    Progress p = Progress.start("compaction", 10, 1000, log, Duration.ofSeconds(5), seen::add, nanos::get);
    p.advance(4, 400);
    nanos.addAndGet(Duration.ofSeconds(6).toNanos());
    p.fail();
    p.finish(); // after a failure: nothing more
    assertThat(log.lines).containsExactly("INFO compaction: failed after 4/10 files, 400 B/1000 B in 6.0 s");
    assertThat(seen).hasSize(2);
    assertThat(seen.get(1).finished()).isFalse();
  }

  @Test
  void bytesAreShownInBinaryUnits() {
    assertThat(Progress.bytes(17)).isEqualTo("17 B");
    assertThat(Progress.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Progress.bytes(3L << 30)).isEqualTo("3.0 GiB");
  }
}
