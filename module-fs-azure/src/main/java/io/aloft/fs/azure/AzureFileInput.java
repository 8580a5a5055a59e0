package io.aloft.fs.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobDownloadResponse;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.DownloadRetryOptions;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.Location;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Positional reads of one blob, each one ranged GET; no state is shared between reads but the blob's
 * length once learnt, so any number of threads may read at once.
 *
 * <p>The SDK retries a GET whose response did not arrive, and re-requests the rest of a body that broke
 * off, each up to {@code azure.max-retries} times.
 */
final class AzureFileInput implements FileInput {

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

  private final AzureBlobFileSystem fs;
  private final Location location;
  private final BlobClient blob;
  private final DownloadRetryOptions bodyRetries;

  // Any thread; AzureInputFile.UNKNOWN_LENGTH until a HEAD or a response's Content-Range tells.
  private volatile long length;

  AzureFileInput(AzureBlobFileSystem fs, Location location, long length) {
    this.fs = fs;
    this.location = location;
    this.blob = fs.blob(location);
    this.bodyRetries = new DownloadRetryOptions().setMaxRetryRequests(fs.maxRetries());
    this.length = length;
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (position < 0) {
      throw new IllegalArgumentException("negative position " + position + " in " + location);
    }
    if (length == 0) {
      return;
    }
    long known = this.length;
    if (known != AzureInputFile.UNKNOWN_LENGTH && position + length > known) {
      throw pastEnd(position, length, known);
    }
    String operation = "GET bytes=" + position + "-" + (position + length - 1) + " of";
    Slice slice = new Slice(buffer, offset, length);
    BlobDownloadResponse response;
    try {
      response =
          blob.downloadStreamWithResponse(
              slice, new BlobRange(position, (long) length), bodyRetries, null, false, null, Context.NONE);
    } catch (RuntimeException e) {
      if (AzureErrors.hasStatus(e, AzureErrors.RANGE_NOT_SATISFIABLE)) {
        // Azure answers 416 to a range that starts at or after the end.
        throw withCause(pastEnd(position, length, AzureInputFile.UNKNOWN_LENGTH), e);
      }
      throw fs.translate(e, operation, location, false);
    }
    String contentRange = response.getDeserializedHeaders().getContentRange();
    learnLength(contentRange);
    if (slice.received > length) {
      throw new IOException(
          operation + " " + location + " answered " + slice.received + " bytes, more than asked"
              + (contentRange == null ? " (no Content-Range)" : " (Content-Range " + contentRange + ")"));
    }
    if (slice.received < length) {
      throw pastEnd(position, length, position + slice.received);
    }
  }

  @Override
  public int readTail(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (length == 0) {
      return 0;
    }
    // Azure has no suffix ranges ("the last n bytes"): the tail's position needs the length.
    long fileLength = this.length;
    if (fileLength == AzureInputFile.UNKNOWN_LENGTH) {
      fileLength = fs.properties(location).getBlobSize();
      this.length = fileLength;
    }
    int n = (int) Math.min(length, fileLength);
    if (n == 0) {
      return 0;
    }
    readFully(fileLength - n, buffer, offset, n);
    return n;
  }

  @Override
  public void close() {
    // Nothing is held between reads.
  }

  private void learnLength(String contentRange) {
    if (contentRange == null) {
      return;
    }
    Matcher m = CONTENT_RANGE.matcher(contentRange);
    if (m.matches() && !m.group(3).equals("*")) {
      length = Long.parseLong(m.group(3));
    }
  }

  private EOFException pastEnd(long position, int length, long fileLength) {
    return new EOFException(
        location + ": cannot read " + length + " bytes at position " + position + ": the file ends "
            + (fileLength == AzureInputFile.UNKNOWN_LENGTH ? "before it" : "at " + fileLength));
  }

  private static <T extends IOException> T withCause(T e, Throwable cause) {
    e.initCause(cause);
    return e;
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
