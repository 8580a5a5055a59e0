package io.aloft.cli;

import io.aloft.engine.progress.Progress;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What the tool's output goes to: a terminal gets progress bars, anything else plain lines. */
final class Terminal {
  private Terminal() {}

  /** Kept so that java.util.logging does not forget the level set on it. */
  private static final Logger PROGRESS_LOG = Logger.getLogger(Progress.class.getName());

  /** Whether standard input and output are an interactive terminal. */
  static boolean isInteractive() {
    return System.console() != null;
  }

  /**
   * Log records (the engine's, through System.Logger) as one line each on standard error, {@code
   * INFO: message}, instead of java.util.logging's two. Unless the user configured the format.
   */
  static void configureLogging() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
    }
  }

  /**
   * While a progress bar is drawn, the progress lines the engine logs at INFO would break it: on a
   * terminal only warnings of {@link Progress} are logged. Elsewhere those lines are the progress report.
   */
  static void progressShownByBar() {
    PROGRESS_LOG.setLevel(Level.WARNING);
  }
}
