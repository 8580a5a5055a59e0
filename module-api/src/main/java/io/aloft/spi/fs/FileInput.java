package io.aloft.spi.fs;

import java.io.Closeable;
import java.io.IOException;

/**
 * Positional reads of one immutable file. Reads are independent of each other (no file pointer), so
 * one {@code FileInput} may serve several threads at once.
 */
public interface FileInput extends Closeable {

  /**
   * Reads exactly {@code length} bytes at {@code position} into {@code buffer[offset..]}.
   *
   * @throws java.io.EOFException if the file ends before {@code position + length}; the message names
   *     the file and the position
   */
  void readFully(long position, byte[] buffer, int offset, int length) throws IOException;

  /**
   * Reads the last {@code min(length, file length)} bytes of the file into {@code buffer[offset..]} in
   * one request, and returns how many were read. This is how a reader fetches an SST file's tail
   * without knowing the file's length first.
   */
  int readTail(byte[] buffer, int offset, int length) throws IOException;
}
