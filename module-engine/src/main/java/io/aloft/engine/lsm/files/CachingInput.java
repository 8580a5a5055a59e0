package io.aloft.engine.lsm.files;

import io.aloft.spi.fs.FileInput;
import java.io.IOException;
import java.util.Objects;

/**
 * Positional reads of a cacheable file: each read is served by the local copy when there is one (and
 * it checks out), else by the remote store, whose input is opened on the first remote read. So one
 * input — which an SST reader keeps for the file's life — follows the file in and out of the cache.
 */
final class CachingInput implements FileInput {
  private final CachingFileSystem fs;
  private final CachingInputFile file;
  private FileInput remote; // this
  private boolean closed; // this

  CachingInput(CachingFileSystem fs, CachingInputFile file, FileInput remote) {
    this.fs = fs;
    this.file = file;
    this.remote = remote;
    fs.cache().inputOpened(file.key());
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    FileCache cache = fs.cache();
    CachedFile f = cache.acquire(file.key(), file.knownLength());
    if (f != null) {
      boolean served = false;
      try {
        if (position < 0 || position > f.length - length) {
          throw CacheFileFormat.eof(file.location(), position, length, f.length);
        }
        try {
          cache.read(f, position, buffer, offset, length);
          served = true;
          return;
        } catch (IOException e) {
          cache.drop(f, e); // damaged or unreadable: never served; the remote file answers
        }
      } finally {
        cache.release(f, served);
      }
    }
    remote().readFully(position, buffer, offset, length);
    fs.missed(file, length);
  }

  @Override
  public int readTail(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    FileCache cache = fs.cache();
    CachedFile f = cache.acquire(file.key(), file.knownLength());
    if (f != null) {
      boolean served = false;
      try {
        int n = (int) Math.min(length, f.length);
        cache.read(f, f.length - n, buffer, offset, n);
        served = true;
        return n;
      } catch (IOException e) {
        cache.drop(f, e);
      } finally {
        cache.release(f, served);
      }
    }
    int n = remote().readTail(buffer, offset, length);
    fs.missed(file, n);
    return n;
  }

  private synchronized FileInput remote() throws IOException {
    if (closed) {
      throw new IOException("input of " + file.location() + " is closed");
    }
    if (remote == null) {
      remote = file.remote().newInput();
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
    fs.cache().inputClosed(file.key());
    if (toClose != null) {
      toClose.close();
    }
  }
}
