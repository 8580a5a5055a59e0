package io.aloft.engine.fs;

import io.aloft.config.Config;
import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.StateFileSystem;
import java.util.Set;

/**
 * Serves {@code file://} locations (and bare absolute paths) from the local file system through
 * {@code java.nio}. It reads no configuration keys.
 *
 * <p>What it guarantees beyond the {@link StateFileSystem} contract:
 *
 * <ul>
 *   <li>A file is written to a hidden temporary file beside it ({@code .<name>.<random>.tmp}), forced to
 *       disk, and published with an atomic rename, so a crash leaves either the old state or the whole
 *       new file. Temporary files are never listed and {@code deleteRecursively} removes leftovers.
 *   <li>An exclusive create publishes with a hard link, which the operating system refuses when the name
 *       is taken: of two writers, in one process or several, exactly one succeeds.
 *   <li>{@code copy} is a hard link when source and target share a file system (safe because files are
 *       immutable), and a byte copy otherwise.
 *   <li>Empty directories left behind by deletes are harmless: only regular files are listed.
 *   <li>On POSIX systems a file opened for reading is mapped into memory (files up to 2 GiB), so a
 *       positional read is a copy out of the page cache without a system call; the mapping is released
 *       when the input closes and no read is inside it. On Windows, which cannot delete a mapped file,
 *       and when mapping fails (out of mappings or address space), reads are {@code pread}s on a file
 *       channel. Either way, a read past the end is an {@link java.io.EOFException} naming the file,
 *       and a read after the input closed an {@link java.io.IOException} naming it.
 * </ul>
 */
public final class LocalFileSystemProvider implements FileSystemProvider {

  /** The scheme served. */
  public static final String SCHEME = "file";

  public LocalFileSystemProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of(SCHEME);
  }

  /**
   * Creates the local file system; {@code config} is not read.
   *
   * @throws IllegalArgumentException if {@code scheme} is not {@code file}
   */
  @Override
  public StateFileSystem create(String scheme, Config config) {
    if (!SCHEME.equals(scheme)) {
      throw new IllegalArgumentException(
          "The local file system serves only the 'file' scheme, not '" + scheme + "'");
    }
    return new LocalFileSystem();
  }
}
