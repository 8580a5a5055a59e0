package io.aloft.spi.fs.blob;

import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.util.Objects;

/**
 * Writes one file on a blob store. Bytes collect in a buffer that grows up to the part size; a file
 * that fits is one upload at {@link #close()} ({@link #uploadWhole}), a larger one a multipart upload
 * whose parts leave as the buffer fills ({@link #uploadPart}) and which {@link #completeParts} finishes.
 * Parts leave only when more bytes follow, so a file of exactly one part is still a single upload.
 * Nothing is visible before {@code close} returns; {@link #abort()} discards the parts sent
 * ({@link #discardParts}).
 *
 * <p>Used by one thread, like every {@code OutputStream}. {@code close} and {@code abort} after the
 * first do nothing; a write after either fails naming the location.
 */
public abstract class BlobFileOutput extends FileOutput {

  private static final int INITIAL_BUFFER_BYTES = 64 * 1024;

  private final Location location;
  private final long partSize;

  // Owned by the writing thread.
  private byte[] buffer;
  private int count;
  private boolean open = true;

  /**
   * @param partSize the bytes of each part but the last; the most the buffer holds
   * @throws IllegalArgumentException if {@code partSize} is not positive or above {@code 2^31 - 1}
   */
  protected BlobFileOutput(Location location, long partSize) {
    this.location = Objects.requireNonNull(location, "location");
    if (partSize < 1 || partSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("part size " + partSize + " for " + location + " is not 1.." + Integer.MAX_VALUE);
    }
    this.partSize = partSize;
    this.buffer = new byte[(int) Math.min(INITIAL_BUFFER_BYTES, partSize)];
  }

  /** Sends the whole file, {@code bytes[0..length)}, in one request that publishes it. */
  protected abstract void uploadWhole(byte[] bytes, int length) throws IOException;

  /**
   * Sends {@code bytes[0..length)} (a whole part) as the next part, starting the multipart upload if
   * this is the first. The buffer is reused once this returns.
   */
  protected abstract void uploadPart(byte[] bytes, int length) throws IOException;

  /** Whether a multipart upload was started: then {@code close} finishes it rather than upload whole. */
  protected abstract boolean hasParts();

  /** Sends the rest, {@code bytes[0..length)} (maybe none), and publishes the parts as the file. */
  protected abstract void completeParts(byte[] bytes, int length) throws IOException;

  /** Discards the parts sent, if any; {@link #abort()} calls it once. */
  protected abstract void discardParts() throws IOException;

  /**
   * Called when {@code close} fails with {@code failure} before it is rethrown: where the store keeps
   * unfinished uploads, cleans them up, adding its own failures to {@code failure} as suppressed.
   */
  protected void afterFailedClose(Throwable failure) {}

  /** Ends the stream without another request, after a failure that leaves nothing to clean up. */
  protected final void markClosed() {
    open = false;
    buffer = null;
  }

  protected final Location location() {
    return location;
  }

  @Override
  public final void write(int b) throws IOException {
    ensureOpen();
    if (count == buffer.length) {
      makeRoom();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public final void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    while (len > 0) {
      if (count == buffer.length) {
        makeRoom();
      }
      int n = Math.min(len, buffer.length - count);
      System.arraycopy(b, off, buffer, count, n);
      count += n;
      off += n;
      len -= n;
    }
  }

  /** Grows a full buffer, or sends it as a part once it holds a whole part. */
  private void makeRoom() throws IOException {
    if (buffer.length < partSize) {
      byte[] larger = new byte[(int) Math.min(partSize, 2L * buffer.length)];
      System.arraycopy(buffer, 0, larger, 0, count);
      buffer = larger;
    } else {
      uploadPart(buffer, count);
      count = 0;
    }
  }

  @Override
  public final void close() throws IOException {
    if (!open) {
      return;
    }
    open = false;
    try {
      if (hasParts()) {
        completeParts(buffer, count);
      } else {
        uploadWhole(buffer, count);
      }
    } catch (IOException | RuntimeException e) {
      afterFailedClose(e);
      throw e;
    } finally {
      buffer = null;
    }
  }

  @Override
  public final void abort() throws IOException {
    if (!open) {
      return;
    }
    markClosed();
    discardParts();
  }

  private void ensureOpen() throws IOException {
    if (!open) {
      throw new IOException(location + ": the stream is already closed");
    }
  }
}
