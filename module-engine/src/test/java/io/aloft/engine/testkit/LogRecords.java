package io.aloft.engine.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what is logged through {@code System.Logger} (whose default backend is {@code
 * java.util.logging}) while it is open: tests use it to show what is, and is not, logged.
 */
public final class LogRecords implements AutoCloseable {
  private final List<LogRecord> records = new ArrayList<>();
  private final Logger root = Logger.getLogger("");
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (records) {
            records.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  public LogRecords() {
    root.addHandler(handler);
  }

  /** Every record captured so far. */
  public List<LogRecord> all() {
    synchronized (records) {
      return List.copyOf(records);
    }
  }

  @Override
  public void close() {
    root.removeHandler(handler);
  }
}
