package io.aloft.config;

/**
 * The configuration asks for a plugin (state backend, storage scheme, cache policy, executor strategy)
 * that is not on the module path or class path. The message names the module to add.
 */
public final class MissingPluginException extends ConfigException {
  private static final long serialVersionUID = 1L;

  public MissingPluginException(String key, String message) {
    super(key, message);
  }
}
