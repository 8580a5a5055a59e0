package io.aloft.spi.backend;

import java.io.IOException;

/**
 * Creates keyed state backends of one type. Found with {@link java.util.ServiceLoader} and chosen by
 * {@code state.backend.type}; a backend module declares
 * {@code provides io.aloft.spi.backend.StateBackendFactory with …}.
 */
public interface StateBackendFactory {

  /** The value of {@code state.backend.type} that selects this backend, e.g. {@code rocksdb}. */
  String type();

  /**
   * Creates a backend for one processor instance.
   *
   * @throws io.aloft.config.ConfigException if the backend's keys are wrong
   */
  KeyedStateBackend create(BackendContext context) throws IOException;
}
