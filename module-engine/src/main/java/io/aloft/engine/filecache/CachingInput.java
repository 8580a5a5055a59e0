package io.aloft.engine.filecache;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.InputFile;
import java.io.IOException;
import java.util.Objects;

/**
 * Positional reads of a cacheable file: each read is served by the local copy when there is one (and
 * it checks out), else by the remote file, whose input is opened on the first remote read. So one
 * input — which an SST reader keeps for the file's life — follows the file in and out of the cache.
 */
final class CachingInput implements FileInput {
  private final InputFile file;
  private final LocalCopies copies;
  private final String key;
  private final long knownLength;
  private FileInput remote; // this
  private boolean closed; // this

  CachingInput(InputFile file, LocalCopies copies, long knownLength, FileInput remote) {
    this.file = file;
    this.copies = copies;
    this.key = file.location().toString();
    this.knownLength = knownLength;
    this.remote = remote;
    copies.inputOpened(key);
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (copies.read(key, knownLength, file.location(), position, buffer, offset, length)) {
      return;
    }
    remote().readFully(position, buffer, offset, length);
    copies.missed(file, knownLength, length);
  }

  @Override
  public int readTail(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    int n = copies.readTail(key, knownLength, buffer, offset, length);
    if (n >= 0) {
      return n;
    }
    n = remote().readTail(buffer, offset, length);
    copies.missed(file, knownLength, n);
    return n;
  }

  private synchronized FileInput remote() throws IOException {
    if (closed) {
      throw new IOException("input of " + file.location() + " is closed");
    }
    if (remote == null) {
      remote = file.newInput();
    }
    return remote;
  }

  @Override
  public void close() throws IOException {
    FileInput toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = remote;
      remote = null;
    }
    copies.inputClosed(key);
    if (toClose != null) {
      toClose.close();
    }
  }
}
