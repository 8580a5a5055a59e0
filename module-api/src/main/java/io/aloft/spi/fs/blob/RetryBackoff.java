package io.aloft.spi.fs.blob;

import io.aloft.spi.fs.Location;
import java.io.InterruptedIOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The pause before a provider repeats a request its SDK does not retry itself: full jitter, that is a
 * random time up to a cap that doubles with each attempt, so that many clients that failed together do
 * not come back together.
 */
public final class RetryBackoff {

  private RetryBackoff() {}

  /**
   * Sleeps before retry {@code attempt} (1-based): up to {@code baseMillis} before the first, doubling
   * with each attempt up to {@code capMillis}.
   *
   * @throws InterruptedIOException if the thread is interrupted meanwhile (naming the location); the
   *     interrupt stays set
   */
  public static void sleep(int attempt, long baseMillis, long capMillis, Location location)
      throws InterruptedIOException {
    long cap = Math.min(capMillis, baseMillis << Math.min(attempt - 1, 10));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BlobErrors.withCause(
          new InterruptedIOException("interrupted while retrying a request for " + location), e);
    }
  }
}
