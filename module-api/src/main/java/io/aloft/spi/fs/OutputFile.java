package io.aloft.spi.fs;

import java.io.IOException;

/** A file to write. Files are immutable once written; parent directories are created as needed. */
public interface OutputFile {

  Location location();

  /** Writes the file, replacing an existing one when the stream is closed. */
  FileOutput create() throws IOException;

  /**
   * Writes the file only if it does not exist, atomically: of two writers, exactly one succeeds. Uses
   * conditional writes ({@code If-None-Match: *}, a does-not-exist precondition, create-without-overwrite)
   * where the store has them; this is what keeps a stale writer from replacing its successor's files.
   *
   * @throws java.nio.file.FileAlreadyExistsException if the file exists, here or at
   *     {@link FileOutput#close()} (naming the location)
   */
  FileOutput createExclusive() throws IOException;
}
