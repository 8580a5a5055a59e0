package io.aloft.flink;

import java.io.IOException;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.runtime.state.StateBackendFactory;

/**
 * Loads Aloft as Flink's state backend: {@code state.backend.type:
 * io.aloft.flink.AloftStateBackendFactory}. Reads the keys {@link AloftStateBackend} documents.
 */
public final class AloftStateBackendFactory implements StateBackendFactory<AloftStateBackend> {

  @Override
  public AloftStateBackend createFromConfig(ReadableConfig config, ClassLoader classLoader)
      throws IllegalConfigurationException, IOException {
    return AloftStateBackend.fromConfig(config, classLoader);
  }
}
