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
      throw new IllegalArgumentException("scheme must be non-empty lower case: '" + scheme + "'");
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
          "'" + text + "' is not a location: expected scheme://authority/path or an absolute path");
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

  /** The path relative to {@code ancestor}, which must contain this location. */
  public String relativeTo(Location ancestor) {
    String prefix = ancestor.path.equals("/") ? "/" : ancestor.path + "/";
    if (!scheme.equals(ancestor.scheme)
        || !authority.equals(ancestor.authority)
        || !path.startsWith(prefix)) {
      throw new IllegalArgumentException(this + " is not below " + ancestor);
    }
    return path.substring(prefix.length());
  }

  @Override
  public String toString() {
    return scheme + "://" + authority + path;
  }
}
