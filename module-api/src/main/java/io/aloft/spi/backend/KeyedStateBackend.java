package io.aloft.spi.backend;

import java.io.IOException;

/**
 * The keyed state of one processor instance: a set of {@link StateTable}s, one per state.
 */
public interface KeyedStateBackend extends AutoCloseable {

  /**
   * The table for {@code spec}, created on first use. Asking again with the same name returns the same
   * table.
   */
  StateTable table(TableSpec spec) throws IOException;

  /** Releases memory, files and threads. */
  @Override
  void close() throws IOException;
}
