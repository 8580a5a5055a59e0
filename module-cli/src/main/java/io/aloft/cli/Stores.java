package io.aloft.cli;

import io.aloft.config.Config;
import io.aloft.engine.plugins.Plugins;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;

/**
 * The stores one invocation reads: the storage providers found on the module path, configured by
 * {@code --config} and {@code -D} exactly as Aloft configures them. One file system per scheme, closed
 * with this object.
 */
final class Stores implements AutoCloseable {
  private final Config config;
  private final Plugins plugins = Plugins.discover();

  Stores(Config config) {
    this.config = config;
  }

  Config config() {
    return config;
  }

  /**
   * The file system serving {@code location}.
   *
   * @throws io.aloft.config.MissingPluginException naming the module to add when no provider on the
   *     module path serves the scheme
   */
  StateFileSystem of(Location location) throws IOException {
    return plugins.fileSystem(location, config);
  }

  @Override
  public void close() throws IOException {
    plugins.closeFileSystems();
  }
}
