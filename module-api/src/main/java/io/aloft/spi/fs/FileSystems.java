package io.aloft.spi.fs;

import java.io.IOException;

/**
 * Resolves locations to the storage that serves them, using the storage providers present and the
 * application's configuration. Handed to backends, so a backend plugin reaches any store without
 * knowing the providers.
 */
@FunctionalInterface
public interface FileSystems {

  /**
   * The file system serving {@code location}'s scheme; shared, so callers do not close it.
   *
   * @throws io.aloft.config.MissingPluginException naming the module to add when no provider serves
   *     the scheme
   */
  StateFileSystem forLocation(Location location) throws IOException;
}
