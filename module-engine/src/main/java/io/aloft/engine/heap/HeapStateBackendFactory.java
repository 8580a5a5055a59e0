package io.aloft.engine.heap;

import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.StateBackendFactory;

/** {@code state.backend.type: hashmap}: state in sorted maps on the Java heap. */
public final class HeapStateBackendFactory implements StateBackendFactory {

  @Override
  public String type() {
    return "hashmap";
  }

  @Override
  public KeyedStateBackend create(BackendContext context) throws java.io.IOException {
    return new HeapKeyedStateBackend(context);
  }
}
