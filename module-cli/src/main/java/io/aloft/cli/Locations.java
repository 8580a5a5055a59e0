package io.aloft.cli;

import io.aloft.spi.fs.Location;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Reads a location argument: a URI ({@code s3://bucket/path}, {@code file:///tmp/x}) or a local path,
 * relative ones against the working directory.
 */
final class Locations implements CommandLine.ITypeConverter<Location> {

  @Override
  public Location convert(String text) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) { // InvalidPathException too
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  static Location parse(String text) {
    if (text.contains("://") || text.startsWith("file:")) {
      return Location.of(text);
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("an empty location");
    }
    return Location.of(Path.of(text).toAbsolutePath().normalize().toString());
  }

  /** The local path of a {@code file://} location, for what only a local disk tells (file ages). */
  static Path localPath(Location location) {
    return Path.of(location.path());
  }
}
