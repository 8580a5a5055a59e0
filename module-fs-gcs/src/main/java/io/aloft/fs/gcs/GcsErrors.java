package io.aloft.fs.gcs;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Turns HTTP answers and transport failures into the storage contract's exceptions, each naming the
 * location, the operation and — when the store was never reached — the endpoint. The one place that
 * reads Cloud Storage status codes.
 */
final class GcsErrors {

  static final int UNAUTHORIZED = 401;
  static final int FORBIDDEN = 403;
  static final int NOT_FOUND = 404;
  static final int PRECONDITION_FAILED = 412;
  static final int RANGE_NOT_SATISFIABLE = 416;
  static final int TOO_MANY_REQUESTS = 429;

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
    return status == 408 || status == TOO_MANY_REQUESTS || status >= 500;
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
    String detail = describe(e) + ", " + attempts(attempts);
    int status = e.getStatusCode();
    if (status == NOT_FOUND) {
      return withCause(
          new NoSuchFileException(
              location.toString(), null, operation + " " + location + " at " + endpoint + ": " + detail),
          e);
    }
    if (status == FORBIDDEN || status == UNAUTHORIZED) {
      return withCause(
          new AccessDeniedException(
              location.toString(), null, operation + " denied by " + endpoint + ": " + detail),
          e);
    }
    return new IOException(operation + " " + location + " failed at " + endpoint + ": " + detail, e);
  }

  /** The contract's exception for a request that never got an answer, after {@code attempts} attempts. */
  IOException unreachable(IOException e, String operation, Location location, int attempts) {
    return new IOException(
        operation + " " + location + " failed: " + reason(e) + ", " + attempts(attempts), e);
  }

  private String reason(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "cannot connect to " + endpoint + " (" + t.getMessage() + ")";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host in " + endpoint + " (" + t.getMessage() + ")";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to " + endpoint;
      }
      if (t instanceof SocketTimeoutException) {
        return "timed out talking to " + endpoint + " (" + t.getMessage() + ")";
      }
    }
    return "error talking to " + endpoint + ": " + e;
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

  static String attempts(int n) {
    return n == 1 ? "1 attempt" : n + " attempts";
  }

  static <T extends IOException> T withCause(T exception, Throwable cause) {
    exception.initCause(cause);
    return exception;
  }
}
