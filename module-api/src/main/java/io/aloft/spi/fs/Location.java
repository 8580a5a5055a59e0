package io.aloft.spi.fs;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a file or directory lives: {@code scheme://authority/path}, e.g. {@code s3://bucket/state/1.sst},
 * {@code file:///var/aloft}, {@code hdfs://namenode:8020/aloft}. A bare absolute path
 * ({@code /var/aloft}) and {@code file:/var/aloft} mean {@code file:///var/aloft}. Paths have no
 * {@code .} or {@code ..} segments.
 *
 * <p>The path never ends with {@code /} (except the root {@code /}) and uses {@code /} as separator on
 * every store. Locations compare by their text.
 *
 * @param scheme lower-case URI scheme, e.g. {@code s3}
 * @param authority bucket, container@account or host:port; empty for {@code file}
 * @param path absolute path within the authority, starting with {@code /}
 */
public record Location(String scheme, String authority, String path) {

  public Location {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(authority, "authority");
    Objects.requireNonNull(path, "path");
    if (scheme.isEmpty() || !scheme.equals(scheme.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("scheme must be non-empty lower case: '" + printable(scheme) + "'");
    }
    for (String part : new String[] {scheme, authority, path}) {
      for (int i = 0; i < part.length(); i++) {
        if (Character.isISOControl(part.charAt(i))) {
          throw new IllegalArgumentException(
              "a location must not contain NUL or control characters: '"
                  + printable(scheme + "://" + (userInfo(scheme, authority) ? "…@" : authority) + path) + "'");
        }
      }
    }
    if (userInfo(scheme, authority)) {
      // Not repeated: what stands before '@' is a user name, and maybe a password or an access key.
      throw new IllegalArgumentException(
          "a " + scheme + ":// location must not carry user info (a name or key before '@' in its"
              + " authority): credentials belong in the configuration, not in locations");
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must be absolute: '" + path + "'");
    }
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.contains("//")) {
      throw new IllegalArgumentException("path has an empty segment: '" + path + "'");
    }
    for (String segment : path.split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        // Blob stores take these literally while local disks resolve them: refuse both readings.
        throw new IllegalArgumentException("path has a '" + segment + "' segment: '" + path + "'");
      }
    }
  }

  /** Schemes whose authority is {@code container@account} (Azure Blob), the one legitimate '@'. */
  private static final java.util.Set<String> CONTAINER_AT_ACCOUNT =
      java.util.Set.of("abfs", "abfss", "wasb", "wasbs");

  /** Whether {@code authority} carries user info: an '@' (other than Azure's), or a name:secret pair. */
  private static boolean userInfo(String scheme, String authority) {
    int at = authority.lastIndexOf('@');
    return at >= 0 && (!CONTAINER_AT_ACCOUNT.contains(scheme) || authority.substring(0, at).contains(":"));
  }

  /** {@code text} with control characters written as backslash-u escapes, so messages stay one clean line. */
  private static String printable(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Parses {@code scheme://authority/path} or an absolute local path.
   *
   * @throws IllegalArgumentException naming the text when it is neither
   */
  public static Location of(String text) {
    Objects.requireNonNull(text, "location");
    if (text.startsWith("/")) {
      return new Location("file", "", text);
    }
    if (text.startsWith("file:/") && !text.startsWith("file://")) {
      return new Location("file", "", text.substring("file:".length())); // File.toURI() form
    }
    int sep = text.indexOf("://");
    if (sep <= 0) {
      throw new IllegalArgumentException(
          "'" + (text.contains("@") ? "…" : printable(text))
              + "' is not a location: expected scheme://authority/path or an absolute path");
    }
    String scheme = text.substring(0, sep).toLowerCase(Locale.ROOT);
    String rest = text.substring(sep + 3);
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "/" : rest.substring(slash);
    return new Location(scheme, authority, path);
  }

  /** The location of {@code relative} (one or more {@code /}-separated names) below this one. */
  public Location resolve(String relative) {
    if (relative.isEmpty() || relative.startsWith("/")) {
      throw new IllegalArgumentException("not a relative path: '" + relative + "'");
    }
    return new Location(scheme, authority, (path.equals("/") ? "" : path) + "/" + relative);
  }

  /** The parent directory; the root is its own parent. */
  public Location parent() {
    int slash = path.lastIndexOf('/');
    return new Location(scheme, authority, slash <= 0 ? "/" : path.substring(0, slash));
  }

  /** The last name of the path ({@code ""} for the root). */
  public String fileName() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Whether this location lies below {@code ancestor} (same store, a longer path under its path). */
  public boolean isBelow(Location ancestor) {
    String prefix = ancestor.path.equals("/") ? "/" : ancestor.path + "/";
    return scheme.equals(ancestor.scheme)
        && authority.equals(ancestor.authority)
        && path.startsWith(prefix)
        && path.length() > prefix.length();
  }

  /** The path relative to {@code ancestor}, which must contain this location ({@link #isBelow}). */
  public String relativeTo(Location ancestor) {
    if (!isBelow(ancestor)) {
      throw new IllegalArgumentException(this + " is not below " + ancestor);
    }
    return path.substring(ancestor.path.equals("/") ? 1 : ancestor.path.length() + 1);
  }

  @Override
  public String toString() {
    return scheme + "://" + authority + path;
  }
}
