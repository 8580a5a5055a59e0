package io.aloft.config;

import java.util.Optional;

/**
 * A configuration is wrong: malformed YAML, an unknown key, a value of the wrong form. The message
 * names the key (or file) and what was expected.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public ConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  public ConfigException(String key, String message, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  /** The offending key, when the problem is about one key. */
  public Optional<String> key() {
    return Optional.ofNullable(key);
  }
}
