package io.aloft.engine.heap;

import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps every table in memory. Values are stored serialized, like every other backend, so state never
 * aliases objects the user still holds and all backends behave alike.
 */
final class HeapKeyedStateBackend implements KeyedStateBackend {
  private final Map<String, HeapTable> tables = new ConcurrentHashMap<>();
  private volatile boolean closed;

  @Override
  public StateTable table(TableSpec spec) {
    if (closed) {
      throw new IllegalStateException("backend is closed");
    }
    return tables.computeIfAbsent(spec.name(), name -> new HeapTable());
  }

  @Override
  public void close() {
    closed = true;
    tables.clear();
  }
}
