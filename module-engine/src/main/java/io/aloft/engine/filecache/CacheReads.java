package io.aloft.engine.filecache;

import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import java.io.IOException;

/**
 * The {@link LocalCopies} of one cache: reads served from the {@link FileCache}'s copies (a copy is held
 * while it is read, and dropped if it fails its checks), misses counted there and handed to the
 * {@link LoadBack}.
 */
final class CacheReads implements LocalCopies {
  private final FileCache cache;
  private final LoadBack loadBack;

  CacheReads(FileCache cache, LoadBack loadBack) {
    this.cache = cache;
    this.loadBack = loadBack;
  }

  @Override
  public long cachedLength(String key) {
    return cache.cachedLength(key);
  }

  @Override
  public boolean read(
      String key, long expectedLength, Location location, long position, byte[] buffer, int offset, int length)
      throws IOException {
    CachedFile f = cache.acquire(key, expectedLength);
    if (f == null) {
      return false;
    }
    boolean served = false;
    try {
      if (position < 0 || position > f.length - length) {
        throw CacheFileFormat.eof(location, position, length, f.length);
      }
      try {
        cache.read(f, position, buffer, offset, length);
        served = true;
      } catch (IOException e) {
        cache.drop(f, e); // damaged or unreadable: never served; the remote file answers
      }
      return served;
    } finally {
      cache.release(f, served);
    }
  }

  @Override
  public int readTail(String key, long expectedLength, byte[] buffer, int offset, int length) {
    CachedFile f = cache.acquire(key, expectedLength);
    if (f == null) {
      return -1;
    }
    boolean served = false;
    try {
      int n = (int) Math.min(length, f.length);
      cache.read(f, f.length - n, buffer, offset, n);
      served = true;
      return n;
    } catch (IOException e) {
      cache.drop(f, e);
      return -1;
    } finally {
      cache.release(f, served);
    }
  }

  @Override
  public void missed(InputFile remote, long knownLength, long bytes) {
    cache.recordMiss(remote.location().toString(), bytes);
    loadBack.missed(remote, knownLength);
  }

  @Override
  public void inputOpened(String key) {
    cache.inputOpened(key);
  }

  @Override
  public void inputClosed(String key) {
    cache.inputClosed(key);
  }
}
