package io.aloft.spi.fs;

import java.io.IOException;

/** A file to read. Creating one does no I/O; a missing file is reported by the first access. */
public interface InputFile {

  Location location();

  /**
   * The file's length in bytes.
   *
   * @throws java.nio.file.NoSuchFileException if the file does not exist (naming the location)
   */
  long length() throws IOException;

  /**
   * Opens the file for positional reads.
   *
   * @throws java.nio.file.NoSuchFileException if the file does not exist (naming the location); some
   *     stores report it only at the first read
   */
  FileInput newInput() throws IOException;

  /** Whether the file exists. */
  boolean exists() throws IOException;
}
