package io.aloft.fs.s3;

import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns what the SDK throws into the storage contract's exceptions, each naming the location, the
 * operation and — when the store was never reached — the endpoint. The one place that reads S3 status
 * and error codes.
 */
final class S3Errors {

  static final int NOT_FOUND = 404;
  static final int PRECONDITION_FAILED = 412;
  static final int RANGE_NOT_SATISFIABLE = 416;
  static final int FORBIDDEN = 403;
  static final int CONFLICT = 409;

  private final String endpoint;

  S3Errors(String endpoint) {
    this.endpoint = endpoint;
  }

  /** The store's description in messages: the configured endpoint or {@code Amazon S3 in <region>}. */
  String endpoint() {
    return endpoint;
  }

  /**
   * The contract's exception for a failed request. 412 becomes {@link FileAlreadyExistsException} only
   * when {@code conditionalCreate}: it is the one request that sends {@code If-None-Match: *}.
   */
  IOException translate(SdkException e, String operation, Location location, boolean conditionalCreate) {
    if (e instanceof AwsServiceException service && service.statusCode() > 0) {
      return translateResponse(service, operation, location, conditionalCreate);
    }
    if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
      InterruptedIOException interrupted =
          new InterruptedIOException(operation + " " + location + " was interrupted");
      interrupted.initCause(e);
      return interrupted;
    }
    return new IOException(
        operation + " " + location + " failed: " + unreachableReason(e) + " (" + attempts(e) + ")", e);
  }

  /** Whether the request failed with {@code status}. */
  static boolean hasStatus(SdkException e, int status) {
    return e instanceof AwsServiceException service && service.statusCode() == status;
  }

  /** The S3 error code ({@code NoSuchKey}, {@code SlowDown}, …) or "". */
  static String errorCode(SdkException e) {
    if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      String code = service.awsErrorDetails().errorCode();
      return code == null ? "" : code;
    }
    return "";
  }

  private IOException translateResponse(
      AwsServiceException e, String operation, Location location, boolean conditionalCreate) {
    int status = e.statusCode();
    String code = errorCode(e);
    String detail = describe(e);
    if (status == NOT_FOUND && !code.equals("NoSuchUpload")) {
      String reason =
          code.equals("NoSuchBucket")
              ? "bucket '" + location.authority() + "' does not exist at " + endpoint
              : null;
      return withCause(new NoSuchFileException(location.toString(), null, reason), e);
    }
    if (status == PRECONDITION_FAILED && conditionalCreate) {
      return withCause(
          new FileAlreadyExistsException(
              location.toString(), null, "it exists (" + operation + " with If-None-Match: * answered 412)"),
          e);
    }
    if (status == FORBIDDEN) {
      return withCause(
          new AccessDeniedException(
              location.toString(), null, operation + " denied by " + endpoint + ": " + detail),
          e);
    }
    return new IOException(operation + " " + location + " failed at " + endpoint + ": " + detail, e);
  }

  private String unreachableReason(SdkException e) {
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
      if (t instanceof ApiCallAttemptTimeoutException || t instanceof ApiCallTimeoutException) {
        return "timed out talking to " + endpoint + " (" + t.getMessage() + ")";
      }
    }
    return "error talking to " + endpoint + ": " + e.getMessage();
  }

  private static String describe(AwsServiceException e) {
    StringBuilder s = new StringBuilder("HTTP ").append(e.statusCode());
    if (e.awsErrorDetails() != null) {
      if (e.awsErrorDetails().errorCode() != null) {
        s.append(' ').append(e.awsErrorDetails().errorCode());
      }
      if (e.awsErrorDetails().errorMessage() != null) {
        s.append(": ").append(e.awsErrorDetails().errorMessage());
      }
    }
    if (e.requestId() != null) {
      s.append(" (request id ").append(e.requestId()).append(')');
    }
    s.append(", ").append(attempts(e));
    return s.toString();
  }

  private static String attempts(SdkException e) {
    Integer n = e.numAttempts();
    return n == null ? "attempts unknown" : n == 1 ? "1 attempt" : n + " attempts";
  }

  private static <T extends IOException> T withCause(T exception, Throwable cause) {
    exception.initCause(cause);
    return exception;
  }
}
