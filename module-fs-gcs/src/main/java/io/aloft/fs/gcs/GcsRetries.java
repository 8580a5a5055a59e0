package io.aloft.fs.gcs;

import com.google.api.client.http.HttpResponseException;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobErrors;
import io.aloft.spi.fs.blob.RetryBackoff;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.FileSystemException;

/**
 * Repeats requests that failed transiently — 408, 429 and 5xx answers, timeouts, refused or broken
 * connections — up to {@code gcs.max-retries} times with full-jitter exponential backoff, and
 * translates what is left into the contract's exceptions. End-of-file, the contract's file-system
 * exceptions and {@link PermanentFailure}s pass through untouched: repeating cannot change them. google-http-client's own retries are off
 * (but for one retry after refreshing an expired token), so this is the only retry loop.
 */
final class GcsRetries {

  /** One attempt of a request; may throw anything google-http-client throws. */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws IOException;
  }

  /** A failure that repeating the request cannot mend: the store answered something unusable. */
  static class PermanentFailure extends IOException {
    private static final long serialVersionUID = 1L;

    PermanentFailure(String message) {
      super(message);
    }

    PermanentFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final int maxRetries;
  private final GcsErrors errors;

  GcsRetries(int maxRetries, GcsErrors errors) {
    this.maxRetries = maxRetries;
    this.errors = errors;
  }

  int maxRetries() {
    return maxRetries;
  }

  /**
   * Runs {@code attempt} until it succeeds, fails permanently or has been retried
   * {@code gcs.max-retries} times; failures name {@code operation} and {@code location}.
   */
  <T> T call(String operation, Location location, Attempt<T> attempt) throws IOException {
    for (int n = 1; ; n++) {
      try {
        return attempt.run();
      } catch (EOFException | FileSystemException | PermanentFailure e) {
        throw e; // already the contract's answer
      } catch (HttpResponseException e) {
        if (!GcsErrors.isTransient(e.getStatusCode()) || n > maxRetries) {
          throw errors.translate(e, operation, location, n);
        }
        backoff(n, e.getStatusCode() == BlobErrors.TOO_MANY_REQUESTS, location);
      } catch (IOException e) {
        if (isInterruption(e)) {
          throw e;
        }
        if (n > maxRetries) {
          throw errors.unreachable(e, operation, location, n);
        }
        backoff(n, false, location);
      }
    }
  }

  /** Whether a failure without an HTTP answer is this thread being interrupted, not the network. */
  static boolean isInterruption(IOException e) {
    return (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException))
        || Thread.currentThread().isInterrupted();
  }

  /**
   * Sleeps before retry {@code attempt} (1-based): full jitter over 100 ms doubling up to 5 s, or over
   * 500 ms doubling up to 20 s after a 429.
   */
  static void backoff(int attempt, boolean throttled, Location location) throws InterruptedIOException {
    if (throttled) {
      RetryBackoff.sleep(attempt, 500, 20_000, location);
    } else {
      RetryBackoff.sleep(attempt, 100, 5_000, location);
    }
  }
}
