package io.aloft.fs.s3;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.Location;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Positional reads of one S3 object, each one ranged GET; no state is shared between reads but the
 * object's length once learnt, so any number of threads may read at once.
 *
 * <p>The SDK retries a GET whose response did not arrive; a body that breaks off after the response
 * began is re-requested here, up to {@code s3.max-retries} times.
 */
final class S3FileInput implements FileInput {

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

  private final S3FileSystem fs;
  private final Location location;
  private final String bucket;
  private final String key;

  // Any thread; S3InputFile.UNKNOWN_LENGTH until a HEAD or a response's Content-Range tells.
  private volatile long length;

  S3FileInput(S3FileSystem fs, Location location, long length) {
    this.fs = fs;
    this.location = location;
    this.bucket = S3FileSystem.bucket(location);
    this.key = S3FileSystem.key(location);
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
    if (known != S3InputFile.UNKNOWN_LENGTH && position + length > known) {
      throw pastEnd(position, length, known);
    }
    String range = "bytes=" + position + "-" + (position + length - 1);
    withRetries(
        range,
        () -> pastEnd(position, length, S3InputFile.UNKNOWN_LENGTH),
        (response, body) -> {
          long start = rangeStart(response);
          if (start == -1 && position > 0) {
            skipFully(body, position, length); // the store ignored the range and sent the whole object
          } else if (start != -1 && start != position) {
            throw new IOException(
                "GET " + range + " of " + location + " answered Content-Range " + response.contentRange());
          }
          int n = body.readNBytes(buffer, offset, length);
          if (n < length) {
            throw pastEnd(position, length, position + n);
          }
          return n;
        });
  }

  @Override
  public int readTail(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (length == 0 || this.length == 0) {
      return 0;
    }
    String range = "bytes=-" + length;
    try {
      return withRetries(
          range,
          RangeNotSatisfiable::new,
          (response, body) -> {
            Long size = response.contentLength(); // bytes in this response
            if (size == null) {
              if (rangeStart(response) == -1) {
                throw new IOException("GET " + range + " of " + location + " sent neither range nor length");
              }
              return body.readNBytes(buffer, offset, length);
            }
            long bytes = size;
            if (rangeStart(response) == -1 && bytes > length) {
              // The store ignored the range: the body is the whole object; keep its end.
              skipFully(body, bytes - length, length);
              bytes = length;
            }
            if (bytes > length) {
              throw new IOException(
                  "GET " + range + " of " + location + " answered " + bytes + " bytes, more than asked");
            }
            int n = body.readNBytes(buffer, offset, (int) bytes);
            if (n < bytes) {
              throw new BrokenBody(
                  new EOFException("the body ended after " + n + " of " + bytes + " bytes"));
            }
            return n;
          });
    } catch (RangeNotSatisfiable e) {
      // S3 answers 416 to a suffix range of an empty object.
      long actual = fs.head(location).contentLength();
      if (actual == 0) {
        this.length = 0;
        return 0;
      }
      throw new IOException(
          "GET " + range + " of " + location + " (" + actual + " bytes) answered 416", e);
    }
  }

  @Override
  public void close() {
    // Nothing is held between reads.
  }

  @FunctionalInterface
  private interface BodyReader {
    int read(GetObjectResponse response, InputStream body) throws IOException;
  }

  /**
   * One ranged GET whose body {@code reader} consumes. Failures of the request itself come back from
   * the SDK after its retries and are translated, a 416 into {@code unsatisfiable}; a body that breaks
   * off is requested again.
   */
  private int withRetries(String range, Supplier<IOException> unsatisfiable, BodyReader reader)
      throws IOException {
    String operation = "GET " + range + " of";
    GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key).range(range).build();
    for (int attempt = 1; ; attempt++) {
      ResponseInputStream<GetObjectResponse> in;
      try {
        in = fs.client().getObject(request);
      } catch (SdkException e) {
        if (S3Errors.hasStatus(e, S3Errors.RANGE_NOT_SATISFIABLE)) {
          throw withCause(unsatisfiable.get(), e);
        }
        throw fs.errors().translate(e, operation, location, false);
      }
      try {
        learnLength(in.response());
        BodyStream body = new BodyStream(in);
        int n = reader.read(in.response(), body);
        Long size = in.response().contentLength();
        if (size != null && body.consumed < size) {
          in.abort(); // a store that ignored the range: don't drain the rest of the object
        } else {
          in.close(); // the connection goes back to the pool
        }
        return n;
      } catch (BrokenBody broken) {
        in.abort();
        if (attempt > fs.maxRetries() || Thread.currentThread().isInterrupted()) {
          throw new IOException(
              operation + " " + location + " failed: the response from " + fs.errors().endpoint()
                  + " broke off (" + attempt + (attempt == 1 ? " attempt)" : " attempts)"),
              broken.getCause());
        }
        S3FileSystem.backoff(attempt, location);
      } catch (IOException | RuntimeException e) {
        in.abort();
        throw e;
      }
    }
  }

  private void skipFully(InputStream body, long n, int length) throws IOException {
    try {
      body.skipNBytes(n);
    } catch (EOFException e) {
      throw withCause(pastEnd(n, length, S3InputFile.UNKNOWN_LENGTH), e);
    }
  }

  private void learnLength(GetObjectResponse response) {
    String contentRange = response.contentRange();
    if (contentRange != null) {
      Matcher m = CONTENT_RANGE.matcher(contentRange);
      if (m.matches() && !m.group(3).equals("*")) {
        length = Long.parseLong(m.group(3));
      }
    } else if (response.contentLength() != null) {
      length = response.contentLength(); // the whole object came back
    }
  }

  /** Where the returned bytes start in the object, or -1 when the whole object came back. */
  private long rangeStart(GetObjectResponse response) throws IOException {
    String contentRange = response.contentRange();
    if (contentRange == null) {
      return -1;
    }
    Matcher m = CONTENT_RANGE.matcher(contentRange);
    if (!m.matches()) {
      throw new IOException(
          "GET of " + location + " answered an unreadable Content-Range: " + contentRange);
    }
    return Long.parseLong(m.group(1));
  }

  private EOFException pastEnd(long position, int length, long fileLength) {
    return new EOFException(
        location + ": cannot read " + length + " bytes at position " + position + ": the file ends "
            + (fileLength == S3InputFile.UNKNOWN_LENGTH ? "before it" : "at " + fileLength));
  }

  private static <T extends IOException> T withCause(T e, Throwable cause) {
    e.initCause(cause);
    return e;
  }

  /** A read of the response body failed: the request is worth repeating. */
  private static final class BrokenBody extends IOException {
    private static final long serialVersionUID = 1L;

    BrokenBody(IOException cause) {
      super(cause);
    }
  }

  /** The store answered 416 to a suffix range; the caller checks whether the object is empty. */
  private static final class RangeNotSatisfiable extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** The body of a response; any failure to read it is a {@link BrokenBody}. */
  private static final class BodyStream extends FilterInputStream {
    // Owned by the reading thread.
    long consumed;

    BodyStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        int b = super.read();
        consumed += b < 0 ? 0 : 1;
        return b;
      } catch (IOException e) {
        throw new BrokenBody(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = super.read(b, off, len);
        consumed += Math.max(n, 0);
        return n;
      } catch (IOException e) {
        throw new BrokenBody(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        long skipped = super.skip(n);
        consumed += skipped;
        return skipped;
      } catch (IOException e) {
        throw new BrokenBody(e);
      }
    }
  }
}
