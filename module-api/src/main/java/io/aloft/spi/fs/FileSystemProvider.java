package io.aloft.spi.fs;

import io.aloft.config.Config;
import io.aloft.config.ConfigOption;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Creates {@link StateFileSystem}s for one or more URI schemes. Found with {@link java.util.ServiceLoader}:
 * a provider module declares {@code provides io.aloft.spi.fs.FileSystemProvider with …} (and lists the
 * class in {@code META-INF/services} for the class path).
 */
public interface FileSystemProvider {

  /** The schemes served, lower case, e.g. {@code s3}, or {@code abfs, abfss, wasb, wasbs}. */
  Set<String> schemes();

  /**
   * Creates a file system for {@code scheme}, configured from {@code config} (the provider reads its own
   * keys, such as {@code s3.endpoint}).
   *
   * @throws io.aloft.config.ConfigException if the provider's keys are wrong
   * @throws IOException if the store cannot be reached at all
   */
  StateFileSystem create(String scheme, Config config) throws IOException;

  /** The configuration keys this provider reads, for documentation and validation. */
  default List<ConfigOption<?>> options() {
    return List.of();
  }
}
