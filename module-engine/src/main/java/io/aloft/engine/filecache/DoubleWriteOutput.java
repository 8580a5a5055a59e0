package io.aloft.engine.filecache;

import io.aloft.spi.fs.FileOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * Writes a new file to the remote store and to the cache at once. The remote publish is the commit:
 * the local copy is published only after the remote {@code close} succeeded, and is discarded when the
 * remote write fails or is aborted. A failing local copy never fails the write: it is dropped and the
 * file is simply not cached.
 */
final class DoubleWriteOutput extends FileOutput {
  private final FileOutput remote;
  private LocalCopy local; // null once given up; writer thread
  private boolean finished;

  DoubleWriteOutput(FileOutput remote, LocalCopy local) {
    this.remote = remote;
    this.local = local;
  }

  @Override
  public void write(int b) throws IOException {
    remote.write(b);
    if (local != null && !local.write(new byte[] {(byte) b}, 0, 1)) {
      local = null;
    }
  }

  @Override
  public void write(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    remote.write(buffer, offset, length);
    if (local != null && !local.write(buffer, offset, length)) {
      local = null;
    }
  }

  @Override
  public void flush() throws IOException {
    remote.flush();
  }

  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      remote.close();
    } catch (IOException | RuntimeException | Error e) {
      abandonLocal();
      throw e;
    }
    if (local != null) {
      local.publish();
      local = null;
    }
  }

  @Override
  public void abort() throws IOException {
    finished = true;
    try {
      remote.abort();
    } finally {
      abandonLocal();
    }
  }

  private void abandonLocal() {
    if (local != null) {
      local.abandon();
      local = null;
    }
  }
}
