package io.aloft.fs.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobErrors;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.file.FileAlreadyExistsException;
import java.util.concurrent.TimeoutException;

/**
 * Turns what the SDK throws into the storage contract's exceptions, each naming the location, the
 * operation and — when the service was never reached — the endpoint. The one place that reads Blob
 * service status and error codes.
 */
final class AzureErrors {


  private static final HttpHeaderName ERROR_CODE = HttpHeaderName.fromString("x-ms-error-code");
  private static final HttpHeaderName REQUEST_ID = HttpHeaderName.fromString("x-ms-request-id");

  private AzureErrors() {}

  /**
   * The contract's exception for a failed request to {@code endpoint}. With {@code conditionalCreate}
   * (the one request that sends {@code If-None-Match: *}), 409 and 412 mean that the blob exists:
   * Azure answers 409 {@code BlobAlreadyExists}, some versions and Azurite 412 {@code ConditionNotMet}
   * or a bare 409.
   */
  static IOException translate(
      RuntimeException e, String operation, Location location, String endpoint, boolean conditionalCreate) {
    if (e instanceof HttpResponseException response && response.getResponse() != null) {
      return translateResponse(response, operation, location, endpoint, conditionalCreate);
    }
    if (Thread.currentThread().isInterrupted() || hasCause(e, InterruptedException.class)) {
      return BlobErrors.interrupted(operation, location, e);
    }
    String why =
        BlobErrors.unreachableReason(
            e,
            endpoint,
            t -> t instanceof HttpConnectTimeoutException,
            t -> t instanceof HttpTimeoutException || t instanceof TimeoutException);
    return BlobErrors.unreachable(operation, location, why, e);
  }

  /** Whether the request failed with {@code status}. */
  static boolean hasStatus(RuntimeException e, int status) {
    return status(e) == status;
  }

  /** The HTTP status of a failed request, or 0 when no response arrived. */
  static int status(RuntimeException e) {
    return e instanceof HttpResponseException response && response.getResponse() != null
        ? response.getResponse().getStatusCode()
        : 0;
  }

  /** The service's error code ({@code BlobNotFound}, {@code ServerBusy}, …) or "". */
  static String errorCode(RuntimeException e) {
    if (e instanceof BlobStorageException storage && storage.getErrorCode() != null) {
      return storage.getErrorCode().toString();
    }
    if (e instanceof HttpResponseException response && response.getResponse() != null) {
      String code = response.getResponse().getHeaders().getValue(ERROR_CODE);
      return code == null ? "" : code;
    }
    return "";
  }

  private static IOException translateResponse(
      HttpResponseException e,
      String operation,
      Location location,
      String endpoint,
      boolean conditionalCreate) {
    int status = e.getResponse().getStatusCode();
    String code = errorCode(e);
    String detail = describe(e, status, code);
    if (status == BlobErrors.NOT_FOUND) {
      String reason =
          code.equals(BlobErrorCode.CONTAINER_NOT_FOUND.toString())
              ? "its container does not exist at " + endpoint
              : null;
      return BlobErrors.noSuchFile(location, reason, e);
    }
    if (conditionalCreate && (status == BlobErrors.CONFLICT || status == BlobErrors.PRECONDITION_FAILED)) {
      return BlobErrors.alreadyExists(
          location,
          "it exists (" + operation + " with If-None-Match: * answered " + status
              + (code.isEmpty() ? "" : " " + code) + ")",
          e);
    }
    return BlobErrors.answered(status, operation, location, endpoint, detail, e);
  }

  private static String describe(HttpResponseException e, int status, String code) {
    StringBuilder s = new StringBuilder("HTTP ").append(status);
    if (!code.isEmpty()) {
      s.append(' ').append(code);
    }
    if (e instanceof BlobStorageException storage && storage.getServiceMessage() != null) {
      String message = storage.getServiceMessage().strip();
      int newline = message.indexOf('\n'); // Azure appends RequestId and Time on further lines
      s.append(": ").append(newline < 0 ? message : message.substring(0, newline).strip());
    }
    String requestId = e.getResponse().getHeaders().getValue(REQUEST_ID);
    if (requestId != null) {
      s.append(" (request id ").append(requestId).append(')');
    }
    return s.toString();
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
