package io.aloft.spi.cache;

import io.aloft.config.Config;
import io.aloft.config.ConfigOption;
import java.util.List;

/**
 * Creates {@link CachePolicy}s of one kind. Found with {@link java.util.ServiceLoader} and chosen by
 * {@code state.backend.forst.cache.policy}.
 */
public interface CachePolicyFactory {

  /** The value of {@code state.backend.forst.cache.policy} that selects this policy, e.g. {@code lru}. */
  String name();

  /**
   * Creates a policy, reading its own keys from {@code config}.
   *
   * @throws io.aloft.config.ConfigException if a key is wrong
   */
  CachePolicy create(Config config);

  /**
   * The configuration keys this policy reads ({@code state.backend.forst.cache.<name>.*}), for
   * documentation and validation: keys under {@code state.backend.forst.} are checked strictly, so a
   * key a policy reads must be declared here.
   */
  default List<ConfigOption<?>> options() {
    return List.of();
  }
}
