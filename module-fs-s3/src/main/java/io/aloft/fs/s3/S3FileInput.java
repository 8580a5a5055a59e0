package io.aloft.fs.s3;

import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobErrors;
import io.aloft.spi.fs.blob.BlobFileInput;
import io.aloft.spi.fs.blob.BlobInputFile;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;
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
final class S3FileInput extends BlobFileInput {

  private final S3FileSystem fs;
  private final String bucket;
  private final String key;

  S3FileInput(S3FileSystem fs, Location location, long length) {
    super(location, length);
    this.fs = fs;
    this.bucket = S3FileSystem.bucket(location);
    this.key = S3FileSystem.key(location);
  }

  @Override
  protected void readRange(long position, byte[] buffer, int offset, int length) throws IOException {
    withRetries(
        range(position, length),
        () -> pastEnd(position, length, BlobInputFile.UNKNOWN_LENGTH),
        (response, body) -> {
          copyRange(position, buffer, offset, length, response.contentRange(), response.contentLength(), body);
          return length;
        });
  }

  @Override
  protected int readLast(byte[] buffer, int offset, int length) throws IOException {
    try {
      return withRetries(
          suffixRange(length),
          RangeNotSatisfiable::new,
          (response, body) ->
              copyTail(buffer, offset, length, response.contentRange(), response.contentLength(), body));
    } catch (RangeNotSatisfiable e) {
      // S3 answers 416 to a suffix range of an empty object.
      return tailOfUnsatisfiable(length, fs.head(location()).contentLength(), e);
    }
  }

  /** A body that breaks off is read again; the SDK retries only requests whose answer did not arrive. */
  @Override
  protected IOException brokenBody(long received, long promised) {
    return new BrokenBody(new EOFException("the body ended after " + received + " of " + promised + " bytes"));
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
    Location location = location();
    GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key).range(range).build();
    for (int attempt = 1; ; attempt++) {
      ResponseInputStream<GetObjectResponse> in;
      try {
        in = fs.client().getObject(request);
      } catch (SdkException e) {
        if (S3Errors.hasStatus(e, BlobErrors.RANGE_NOT_SATISFIABLE)) {
          throw BlobErrors.withCause(unsatisfiable.get(), e);
        }
        throw fs.errors().translate(e, operation, location, false);
      }
      try {
        learnLength(in.response().contentRange(), in.response().contentLength());
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
                  + " broke off (" + BlobErrors.attempts(attempt) + ")",
              broken.getCause());
        }
        S3FileSystem.backoff(attempt, location);
      } catch (IOException | RuntimeException e) {
        in.abort();
        throw e;
      }
    }
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
