package io.aloft.fs.s3;

import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobErrors;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
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
      return BlobErrors.interrupted(operation, location, e);
    }
    String why =
        BlobErrors.unreachableReason(
            e,
            endpoint,
            t -> false,
            t -> t instanceof ApiCallAttemptTimeoutException || t instanceof ApiCallTimeoutException);
    return BlobErrors.unreachable(operation, location, why + " (" + attempts(e) + ")", e);
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
    if (status == BlobErrors.NOT_FOUND && !code.equals("NoSuchUpload")) {
      String reason =
          code.equals("NoSuchBucket")
              ? "bucket '" + location.authority() + "' does not exist at " + endpoint
              : null;
      return BlobErrors.noSuchFile(location, reason, e);
    }
    if (status == BlobErrors.PRECONDITION_FAILED && conditionalCreate) {
      return BlobErrors.alreadyExists(
          location, "it exists (" + operation + " with If-None-Match: * answered 412)", e);
    }
    return BlobErrors.answered(status, operation, location, endpoint, detail, e);
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
    return n == null ? "attempts unknown" : BlobErrors.attempts(n);
  }
}
