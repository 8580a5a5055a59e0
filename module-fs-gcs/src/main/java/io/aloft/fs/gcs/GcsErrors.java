package io.aloft.fs.gcs;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobErrors;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Turns HTTP answers and transport failures into the storage contract's exceptions, each naming the
 * location, the operation and — when the store was never reached — the endpoint. The one place that
 * reads Cloud Storage status codes.
 */
final class GcsErrors {

  private final String endpoint;

  GcsErrors(String endpoint) {
    this.endpoint = endpoint;
  }

  /** The store's root URI, for messages. */
  String endpoint() {
    return endpoint;
  }

  /** Whether an answer with this status is worth repeating: throttling, timeouts and server errors. */
  static boolean isTransient(int status) {
    return status == 408 || status == BlobErrors.TOO_MANY_REQUESTS || status >= 500;
  }

  static boolean hasStatus(IOException e, int status) {
    return e instanceof HttpResponseException r && r.getStatusCode() == status;
  }

  /**
   * The contract's exception for a request that failed with an HTTP answer after {@code attempts}
   * attempts: 404 is {@link NoSuchFileException}, 401 and 403 {@link AccessDeniedException}, anything
   * else an {@link IOException} with the status and the store's message.
   */
  IOException translate(HttpResponseException e, String operation, Location location, int attempts) {
    String detail = describe(e) + ", " + BlobErrors.attempts(attempts);
    int status = e.getStatusCode();
    if (status == BlobErrors.NOT_FOUND) {
      return BlobErrors.noSuchFile(location, operation + " " + location + " at " + endpoint + ": " + detail, e);
    }
    if (status == BlobErrors.UNAUTHORIZED) {
      return BlobErrors.denied(operation, location, endpoint, detail, e);
    }
    return BlobErrors.answered(status, operation, location, endpoint, detail, e);
  }

  /** The contract's exception for a request that never got an answer, after {@code attempts} attempts. */
  IOException unreachable(IOException e, String operation, Location location, int attempts) {
    String why = BlobErrors.unreachableReason(e, endpoint, t -> false, t -> false);
    return BlobErrors.unreachable(operation, location, why + ", " + BlobErrors.attempts(attempts), e);
  }

  /** {@code HTTP 503 Service Unavailable: <the store's message>}. */
  static String describe(HttpResponseException e) {
    StringBuilder s = new StringBuilder("HTTP ").append(e.getStatusCode());
    if (e.getStatusMessage() != null && !e.getStatusMessage().isEmpty()) {
      s.append(' ').append(e.getStatusMessage());
    }
    String message = null;
    if (e instanceof GoogleJsonResponseException json) {
      GoogleJsonError details = json.getDetails();
      message = details == null ? null : details.getMessage();
    }
    if (message == null && e.getContent() != null && !e.getContent().isBlank()) {
      message = e.getContent().strip();
    }
    if (message != null) {
      s.append(": ").append(message.length() > 300 ? message.substring(0, 300) + "..." : message);
    }
    return s.toString();
  }
}
