package io.aloft.engine.filecache;

import io.aloft.spi.fs.Location;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** One published local copy. Its mutable fields belong to {@link FileCache}'s lock. */
final class CachedFile {
  final Location location;
  final String key;
  final Path path;
  /** Bytes of the remote file. */
  final long length;
  /** Bytes on the local disk: data, chunk CRCs and footer. */
  final long diskBytes;
  final int chunkSize;

  /** Open while reads may come; never closed while {@link #readers} is positive. */
  FileChannel channel; // cache lock; read without it by the readers it counts

  /** Reads in progress on {@link #channel}. */
  int readers; // cache lock

  /** Evicted or dropped; its file is deleted when the last reader is done. */
  boolean removed; // cache lock

  CachedFile(Location location, Path path, long length, long diskBytes, int chunkSize) {
    this.location = location;
    this.key = location.toString();
    this.path = path;
    this.length = length;
    this.diskBytes = diskBytes;
    this.chunkSize = chunkSize;
  }

  @Override
  public String toString() {
    return location + " (cached at " + path + ")";
  }
}
