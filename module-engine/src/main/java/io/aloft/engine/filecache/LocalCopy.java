package io.aloft.engine.filecache;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A local copy being written — the cache side of a double write, or a load-back — into a temporary
 * file that {@link #publish()} moves into the cache. Space is reserved with the cache before bytes are
 * accepted, so the cache's limits hold while copies are in progress; when no room can be made, the
 * copy is given up and the file simply stays uncached.
 *
 * <p>Owned by one thread (the writer's); only {@link #cancelled} is set by others, and
 * {@link #reserved} is changed under the cache's lock by the owner.
 */
final class LocalCopy {
  /** Reservations grow with the copy up to this step, so a large file asks the cache rarely. */
  static final long MAX_RESERVE_STEP = 256 * 1024;

  private static final int STAGING_BYTES = 64 * 1024;

  private final FileCache cache;
  final Location location;
  final String key;
  final Path tmp;
  private final int chunkSize;

  /** Bytes reserved with the cache for this copy. */
  long reserved; // cache lock (written by the owner only)

  /** Bytes of this copy on disk so far (data, then trailer). */
  long flushed; // owner

  /** Set when the file is deleted or replaced meanwhile: the copy must not be published. */
  volatile boolean cancelled;

  // Owner thread only.
  private final byte[] staging;
  private final CRC32C crc = new CRC32C();
  private FileChannel out;
  private int fill;
  private int chunkStart;
  private int[] crcs = new int[64];
  private int chunks;
  private long length;
  private boolean done;

  LocalCopy(FileCache cache, Location location, Path tmp, int chunkSize) {
    this.cache = cache;
    this.location = location;
    this.key = location.toString();
    this.tmp = tmp;
    this.chunkSize = chunkSize;
    this.staging = new byte[chunkSize * Math.max(1, STAGING_BYTES / chunkSize)];
  }

  /** Reserves room for a whole file of {@code length} bytes at once (a load-back knows its size). */
  boolean reserveFor(long length) {
    return reserve(CacheFileFormat.diskBytes(length, chunkSize));
  }

  /**
   * Appends {@code buffer[offset..offset+count)}. Returns false once the copy is given up (no room, or
   * a local write failed); the caller then stops writing to it.
   */
  boolean write(byte[] buffer, int offset, int count) {
    if (done) {
      return false;
    }
    if (cancelled) {
      abandon(); // deleted meanwhile, or the cache closed: stop copying at once
      return false;
    }
    if (length + count > reserved) {
      long need = length + count - reserved;
      if (!reserve(Math.max(need, Math.min(MAX_RESERVE_STEP, length)))) {
        return false;
      }
    }
    try {
      while (count > 0) {
        int n = Math.min(count, Math.min(chunkSize - (fill - chunkStart), staging.length - fill));
        System.arraycopy(buffer, offset, staging, fill, n);
        fill += n;
        offset += n;
        count -= n;
        length += n;
        if (fill - chunkStart == chunkSize) {
          endChunk();
        }
        if (fill == staging.length) {
          flushStaging();
        }
      }
      return true;
    } catch (IOException e) {
      giveUp(e);
      return false;
    }
  }

  /**
   * Writes the trailer and moves the copy into the cache. Returns whether the copy is now cached; when
   * not (no room for the trailer, a local failure, or the file was deleted meanwhile) nothing is left.
   */
  boolean publish() {
    if (done) {
      return false;
    }
    if (cancelled) {
      abandon();
      return false;
    }
    try {
      if (fill > chunkStart) {
        endChunk();
      }
      byte[] trailer = CacheFileFormat.trailer(crcs, chunks, chunkSize, length);
      long total = length + trailer.length;
      if (total > reserved && !reserve(total - reserved)) {
        return false;
      }
      flushStaging();
      write(ByteBuffer.wrap(trailer));
      channel().close();
    } catch (IOException e) {
      giveUp(e);
      return false;
    }
    done = true;
    return cache.publish(this, length, chunkSize);
  }

  /** Discards the copy: the remote write failed or was aborted, or the read for a load-back failed. */
  void abandon() {
    if (!done) {
      done = true;
      cache.abandon(this, false, null);
    }
  }

  private boolean reserve(long bytes) {
    if (cache.reserve(this, bytes)) {
      return true;
    }
    done = true;
    cache.abandon(this, true, null);
    return false;
  }

  private void giveUp(IOException cause) {
    done = true;
    cache.abandon(this, true, cause);
  }

  private void endChunk() {
    crc.reset();
    crc.update(staging, chunkStart, fill - chunkStart);
    if (chunks == crcs.length) {
      crcs = Arrays.copyOf(crcs, chunks * 2);
    }
    crcs[chunks++] = (int) crc.getValue();
    chunkStart = fill;
  }

  private void flushStaging() throws IOException {
    if (fill > 0) {
      write(ByteBuffer.wrap(staging, 0, fill));
    }
    fill = 0;
    chunkStart = 0;
  }

  private void write(ByteBuffer bytes) throws IOException {
    int n = bytes.remaining();
    FileChannel channel = channel();
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    flushed += n;
    cache.written(n);
  }

  private FileChannel channel() throws IOException {
    if (out == null) {
      out = FileChannel.open(tmp, CREATE_NEW, WRITE);
    }
    return out;
  }

  /** Closes and deletes the temporary file; called by the cache when the copy ends unpublished. */
  void discardFile() throws IOException {
    try {
      if (out != null) {
        out.close();
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public String toString() {
    return "local copy of " + location + " at " + tmp;
  }
}
