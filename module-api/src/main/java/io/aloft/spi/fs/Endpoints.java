package io.aloft.spi.fs;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Checks the endpoint a storage provider sends its requests to, the same way for every provider: an
 * {@code http://} or {@code https://} URI with a host and no user info, and — when the provider sends
 * credentials — plain {@code http://} only to a loopback host, unless the provider's {@code
 * allow-insecure-http} key says otherwise. Error messages never repeat user info.
 */
public final class Endpoints {
  private Endpoints() {}

  /**
   * Parses the endpoint {@code text}, configured under {@code key}.
   *
   * @param sendsCredentials whether requests to it carry credentials (keys, tokens, signatures)
   * @param allowInsecureKey the provider's key that allows plain http to any host
   * @param allowInsecure that key's value
   * @throws ConfigException naming {@code key} when the endpoint is not acceptable
   */
  public static URI parse(
      String key, String text, boolean sendsCredentials, String allowInsecureKey, boolean allowInsecure) {
    String trimmed = text.strip();
    // User info before an '@', a query (a SAS signature, say), and anything read from a sensitive key
    // (a connection string's BlobEndpoint) may be secret: never quoted.
    String shown =
        Config.isSensitive(key) || trimmed.contains("@") || trimmed.contains("?")
            ? "the endpoint"
            : "'" + trimmed + "'";
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw new ConfigException(
          key, "Invalid value for '" + key + "': " + shown + " is not a URI (" + e.getReason() + ")");
    }
    if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
      throw new ConfigException(
          key,
          "Invalid value for '" + key + "': the endpoint carries user info (a name or key before '@');"
              + " put credentials in the provider's credential keys, not in the endpoint");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new ConfigException(
          key,
          "Invalid value for '" + key + "': " + shown + " is not an http:// or https:// URI with a host"
              + " (e.g. http://127.0.0.1:9000)");
    }
    if (scheme.equals("http") && sendsCredentials && !allowInsecure && !isLoopback(uri.getHost())) {
      throw new ConfigException(
          key,
          "Invalid value for '" + key + "': " + shown + " is plain http to a host that is not loopback, and"
              + " requests carry credentials; use https, or set '" + allowInsecureKey + ": true' to"
              + " send them unencrypted anyway");
    }
    return uri;
  }

  /** Whether {@code host} names this machine: {@code localhost}, 127.0.0.0/8 or ::1 (no DNS lookup). */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost")
        || h.endsWith(".localhost")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
