package io.aloft.spi.fs;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The stream that writes a new file. The file appears — whole — only when {@link #close()} returns
 * normally; until then readers see the previous state (nothing, or the old file for
 * {@link OutputFile#create()}). {@link #abort()} discards what was written.
 */
public abstract class FileOutput extends OutputStream {

  /**
   * Publishes the file.
   *
   * <p>When {@code close} fails with anything but {@code FileAlreadyExistsException}, whether the file
   * was published is unknown (the final upload may have landed before its response was lost). Callers
   * that retry therefore write under a new unique name rather than the same one.
   *
   * @throws java.nio.file.FileAlreadyExistsException for an exclusive create when the file appeared
   *     meanwhile (naming the location); providers throw it for no other cause
   */
  @Override
  public abstract void close() throws IOException;

  /** Discards everything written; the file does not appear. Safe to call after a failed write. */
  public abstract void abort() throws IOException;
}
