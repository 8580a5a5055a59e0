package io.aloft.spi.fs.blob;

import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.util.List;
import java.util.StringJoiner;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.function.Predicate;

/**
 * The storage contract's exceptions for failed requests to a blob store, worded alike by every
 * provider: each names the location, the operation ({@code "GET bytes=0-9 of"}, {@code "HEAD"}) and,
 * where it helps, the endpoint and the store's own account of the failure. Providers keep what is
 * their own — which status means what for which request, the SDK's exception types — and build the
 * exception here.
 */
public final class BlobErrors {

  public static final int UNAUTHORIZED = 401;
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int PRECONDITION_FAILED = 412;
  public static final int RANGE_NOT_SATISFIABLE = 416;
  public static final int TOO_MANY_REQUESTS = 429;

  private BlobErrors() {}

  /**
   * A request answered with a status that says nothing about the file's existence: 403 is
   * {@link AccessDeniedException} ({@code "<operation> denied by <endpoint>: <detail>"}), anything else
   * an {@link IOException} ({@code "<operation> <location> failed at <endpoint>: <detail>"}).
   *
   * @param detail the status and the store's message, e.g. {@code "HTTP 503 SlowDown: Please reduce
   *     your request rate., 3 attempts"}
   */
  public static IOException answered(
      int status, String operation, Location location, String endpoint, String detail, Throwable cause) {
    if (status == FORBIDDEN) {
      return denied(operation, location, endpoint, detail, cause);
    }
    return new IOException(operation + " " + location + " failed at " + endpoint + ": " + detail, cause);
  }

  /**
   * One file of a batch delete that the store refused.
   *
   * @param name the object's name in its bucket or container
   * @param reason the store's status or error code, e.g. {@code "HTTP 503"} or {@code "AccessDenied"}
   * @param message the store's message
   */
  public record DeleteFailure(String name, String reason, String message) {}

  /**
   * A batch delete the store refused for some files ({@code failures}, of {@code total}): names
   * {@code firstFailed} (the first refused file's location) and describes up to three refusals; an
   * {@link AccessDeniedException} when {@code denied} (the first was refused for permission).
   */
  public static IOException deleteFailed(
      Location firstFailed, List<DeleteFailure> failures, int total, String endpoint, boolean denied) {
    StringJoiner described = new StringJoiner("; ");
    failures.stream()
        .limit(3)
        .forEach(f -> described.add(f.name() + ": " + f.reason() + " " + f.message()));
    String message =
        "DELETE failed for " + failures.size() + " of " + total + " files at " + endpoint + ": "
            + described + (failures.size() > 3 ? "; ..." : "");
    if (denied) {
      return new AccessDeniedException(firstFailed.toString(), null, message);
    }
    return new IOException(firstFailed + ": " + message);
  }

  /** The store refused the request: {@code "<operation> denied by <endpoint>: <detail>"}. */
  public static AccessDeniedException denied(
      String operation, Location location, String endpoint, String detail, Throwable cause) {
    return withCause(
        new AccessDeniedException(location.toString(), null, operation + " denied by " + endpoint + ": " + detail),
        cause);
  }

  /** The file does not exist; {@code reason} (may be null) says more, e.g. that its bucket is missing. */
  public static NoSuchFileException noSuchFile(Location location, String reason, Throwable cause) {
    return withCause(new NoSuchFileException(location.toString(), null, reason), cause);
  }

  /** An exclusive create met an existing file; {@code reason} says how the store told. */
  public static FileAlreadyExistsException alreadyExists(Location location, String reason, Throwable cause) {
    return withCause(new FileAlreadyExistsException(location.toString(), null, reason), cause);
  }

  /** The calling thread was interrupted while it waited for the store. */
  public static InterruptedIOException interrupted(String operation, Location location, Throwable cause) {
    return withCause(new InterruptedIOException(operation + " " + location + " was interrupted"), cause);
  }

  /**
   * No answer came: {@code "<operation> <location> failed: <why>"}, {@code why} usually from
   * {@link #unreachableReason}.
   */
  public static IOException unreachable(String operation, Location location, String why, Throwable cause) {
    return new IOException(operation + " " + location + " failed: " + why, cause);
  }

  /**
   * Why no answer came from {@code endpoint}, from the first cause in {@code e}'s chain that tells:
   * "cannot connect to", "unknown host in", "no route to", "timed out talking to" — or, when none
   * tells, "error talking to" with {@code e}.
   *
   * @param connectFailure the SDK's own types that mean the connection was not made
   * @param timeout the SDK's own types that mean a request timed out
   */
  public static String unreachableReason(
      Throwable e, String endpoint, Predicate<Throwable> connectFailure, Predicate<Throwable> timeout) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || connectFailure.test(t)) {
        return "cannot connect to " + endpoint + " (" + t.getMessage() + ")";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host in " + endpoint + " (" + t.getMessage() + ")";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to " + endpoint;
      }
      if (t instanceof SocketTimeoutException || timeout.test(t)) {
        return "timed out talking to " + endpoint + " (" + t.getMessage() + ")";
      }
    }
    return "error talking to " + endpoint + ": " + e;
  }

  /** {@code "1 attempt"}, {@code "3 attempts"}. */
  public static String attempts(int n) {
    return n == 1 ? "1 attempt" : n + " attempts";
  }

  /** {@code exception}, with {@code cause} as its cause; for exception types without such a constructor. */
  public static <T extends IOException> T withCause(T exception, Throwable cause) {
    exception.initCause(cause);
    return exception;
  }
}
