package io.aloft.fs.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobDownloadResponse;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.DownloadRetryOptions;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobErrors;
import io.aloft.spi.fs.blob.BlobFileInput;
import io.aloft.spi.fs.blob.BlobInputFile;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Positional reads of one blob, each one ranged GET; no state is shared between reads but the blob's
 * length once learnt, so any number of threads may read at once.
 *
 * <p>The SDK retries a GET whose response did not arrive, and re-requests the rest of a body that broke
 * off, each up to {@code azure.max-retries} times.
 */
final class AzureFileInput extends BlobFileInput {

  private final AzureBlobFileSystem fs;
  private final BlobClient blob;
  private final DownloadRetryOptions bodyRetries;

  AzureFileInput(AzureBlobFileSystem fs, Location location, long length) {
    super(location, length);
    this.fs = fs;
    this.blob = fs.blob(location);
    this.bodyRetries = new DownloadRetryOptions().setMaxRetryRequests(fs.maxRetries());
  }

  @Override
  protected void readRange(long position, byte[] buffer, int offset, int length) throws IOException {
    String operation = "GET " + range(position, length) + " of";
    Slice slice = new Slice(buffer, offset, length);
    BlobDownloadResponse response;
    try {
      response =
          blob.downloadStreamWithResponse(
              slice, new BlobRange(position, (long) length), bodyRetries, null, false, null, Context.NONE);
    } catch (RuntimeException e) {
      if (AzureErrors.hasStatus(e, BlobErrors.RANGE_NOT_SATISFIABLE)) {
        // Azure answers 416 to a range that starts at or after the end.
        throw BlobErrors.withCause(pastEnd(position, length, BlobInputFile.UNKNOWN_LENGTH), e);
      }
      throw fs.translate(e, operation, location(), false);
    }
    String contentRange = response.getDeserializedHeaders().getContentRange();
    learnLength(contentRange, null);
    if (slice.received > length) {
      throw new IOException(
          operation + " " + location() + " answered " + slice.received + " bytes, more than asked"
              + (contentRange == null ? " (no Content-Range)" : " (Content-Range " + contentRange + ")"));
    }
    if (slice.received < length) {
      throw pastEnd(position, length, position + slice.received);
    }
  }

  /** Azure has no suffix ranges ("the last n bytes"): the tail's position needs the length. */
  @Override
  protected int readLast(byte[] buffer, int offset, int length) throws IOException {
    long fileLength = knownLength();
    if (fileLength == BlobInputFile.UNKNOWN_LENGTH) {
      fileLength = fs.properties(location()).getBlobSize();
      learnLength(fileLength);
    }
    int n = (int) Math.min(length, fileLength);
    if (n == 0) {
      return 0;
    }
    readFully(fileLength - n, buffer, offset, n);
    return n;
  }

  /**
   * The caller's buffer slice as the stream the SDK downloads into. A body re-requested after it broke
   * off continues where the bytes stopped, so writes simply append; bytes beyond the slice are counted,
   * not stored, so that an over-long answer is reported rather than written past the slice.
   */
  private static final class Slice extends OutputStream {
    private final byte[] buffer;
    private final int offset;
    private final int capacity;
    // Owned by the thread of the read (the SDK writes on it, or hands over through its own blocking).
    long received;

    Slice(byte[] buffer, int offset, int capacity) {
      this.buffer = buffer;
      this.offset = offset;
      this.capacity = capacity;
    }

    @Override
    public void write(int b) {
      if (received < capacity) {
        buffer[offset + (int) received] = (byte) b;
      }
      received++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      Objects.checkFromIndexSize(off, len, b.length);
      long room = capacity - received;
      if (room > 0) {
        System.arraycopy(b, off, buffer, offset + (int) received, (int) Math.min(room, len));
      }
      received += len;
    }
  }
}
