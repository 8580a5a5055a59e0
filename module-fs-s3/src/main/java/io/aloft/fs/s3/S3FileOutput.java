package io.aloft.fs.s3;

import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobErrors;
import io.aloft.spi.fs.blob.BlobFileOutput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Writes one S3 object. Bytes collect in a buffer that grows up to the part size; a file that fits is
 * one PUT at {@link #close()}, a larger one a multipart upload whose parts leave as the buffer fills.
 * Nothing is visible before {@code close} returns: S3 publishes an object only when its PUT or
 * CompleteMultipartUpload succeeds.
 *
 * <p>Every object carries a random write id in its user metadata. When a response is lost and the
 * retried request finds the object already there (412 on an exclusive write, NoSuchUpload on a
 * completed upload), the id tells whether this writer put it there — then the write succeeded.
 *
 * <p>A writer that is neither closed nor aborted leaves its multipart upload on the store; a bucket
 * lifecycle rule (AbortIncompleteMultipartUpload) removes such leftovers.
 */
final class S3FileOutput extends BlobFileOutput {

  /** User metadata key ({@code x-amz-meta-aloft-write-id}). */
  static final String WRITE_ID = "aloft-write-id";

  /** S3's most parts in one multipart upload. */
  private static final int MAX_PARTS = 10_000;

  private final S3FileSystem fs;
  private final String bucket;
  private final String key;
  private final boolean exclusive;
  private final String writeId = UUID.randomUUID().toString();

  // Owned by the writing thread, like every OutputStream.
  private String uploadId;
  private final List<CompletedPart> parts = new ArrayList<>();

  S3FileOutput(S3FileSystem fs, Location location, boolean exclusive) {
    super(location, fs.partSize());
    this.fs = fs;
    this.bucket = S3FileSystem.bucket(location);
    this.key = S3FileSystem.key(location);
    this.exclusive = exclusive;
  }

  @Override
  protected void uploadWhole(byte[] bytes, int length) throws IOException {
    putObject(body(bytes, length), length);
  }

  @Override
  protected boolean hasParts() {
    return uploadId != null;
  }

  @Override
  protected void completeParts(byte[] bytes, int length) throws IOException {
    if (length > 0) {
      uploadPart(bytes, length);
    }
    completeUpload();
  }

  /** After a failed close, removes the parts already sent; its own failure is added to {@code failure}. */
  @Override
  protected void afterFailedClose(Throwable failure) {
    if (uploadId == null) {
      return;
    }
    String id = uploadId;
    uploadId = null;
    try {
      fs.client().abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id));
    } catch (SdkException e) {
      failure.addSuppressed(fs.errors().translate(e, "ABORT of the multipart upload of", location(), false));
    }
  }

  @Override
  protected void discardParts() throws IOException {
    if (uploadId != null) {
      String id = uploadId;
      uploadId = null;
      try {
        fs.client().abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id));
      } catch (SdkException e) {
        if (!S3Errors.errorCode(e).equals("NoSuchUpload")) {
          throw fs.errors().translate(e, "ABORT of the multipart upload of", location(), false);
        }
      }
    }
  }

  // --- requests -----------------------------------------------------------------------------------

  private static RequestBody body(byte[] bytes, int length) {
    // The SDK opens a new stream for each attempt; no copy of the buffer is made.
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(bytes, 0, length), length, "application/octet-stream");
  }

  private void putObject(RequestBody body, long length) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        fs.client()
            .putObject(
                b -> {
                  b.bucket(bucket).key(key).contentLength(length).metadata(Map.of(WRITE_ID, writeId));
                  if (exclusive) {
                    b.ifNoneMatch("*");
                  }
                },
                body);
        return;
      } catch (SdkException e) {
        if (retryConflict(e, attempt)) {
          continue;
        }
        finishFailed(e, "PUT");
        return;
      }
    }
  }

  private void startUpload() throws IOException {
    try {
      uploadId =
          fs.client()
              .createMultipartUpload(
                  b ->
                      b.bucket(bucket)
                          .key(key)
                          .checksumAlgorithm(ChecksumAlgorithm.CRC32)
                          .metadata(Map.of(WRITE_ID, writeId)))
              .uploadId();
    } catch (SdkException e) {
      throw fs.errors().translate(e, "CREATE MULTIPART UPLOAD of", location(), false);
    }
  }

  @Override
  protected void uploadPart(byte[] bytes, int length) throws IOException {
    if (uploadId == null) {
      startUpload();
    }
    if (parts.size() == MAX_PARTS) {
      throw new IOException(
          location() + " is larger than S3's " + MAX_PARTS + " parts of " + fs.partSize()
              + " bytes: raise " + S3FileSystemProvider.UPLOAD_PART_SIZE.key());
    }
    int partNumber = parts.size() + 1;
    UploadPartResponse response;
    try {
      response =
          fs.client()
              .uploadPart(
                  b ->
                      b.bucket(bucket)
                          .key(key)
                          .uploadId(uploadId)
                          .partNumber(partNumber)
                          .contentLength((long) length)
                          .checksumAlgorithm(ChecksumAlgorithm.CRC32),
                  body(bytes, length));
    } catch (SdkException e) {
      throw fs.errors().translate(e, "UPLOAD PART " + partNumber + " of", location(), false);
    }
    parts.add(
        CompletedPart.builder()
            .partNumber(partNumber)
            .eTag(response.eTag())
            .checksumCRC32(response.checksumCRC32())
            .build());
  }

  private void completeUpload() throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        fs.client()
            .completeMultipartUpload(
                b -> {
                  b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(u -> u.parts(parts));
                  if (exclusive) {
                    b.ifNoneMatch("*");
                  }
                });
        uploadId = null;
        return;
      } catch (SdkException e) {
        if (retryConflict(e, attempt)) {
          continue;
        }
        finishFailed(e, "COMPLETE MULTIPART UPLOAD of");
        uploadId = null; // the store completed it before a lost response
        return;
      }
    }
  }

  /**
   * S3 answers 409 ConditionalRequestConflict when a conditional write races another request on the
   * same key, and asks for a retry; the SDK does not retry it.
   */
  private boolean retryConflict(SdkException e, int attempt) throws IOException {
    if (exclusive
        && S3Errors.hasStatus(e, BlobErrors.CONFLICT)
        && S3Errors.errorCode(e).equals("ConditionalRequestConflict")
        && attempt <= fs.maxRetries()) {
      S3FileSystem.backoff(attempt, location());
      return true;
    }
    return false;
  }

  /**
   * Throws the translation of {@code e}, unless it only says that an earlier attempt of this very write
   * succeeded (its response was lost): then the object carries this writer's id, and returns normally.
   */
  private void finishFailed(SdkException e, String operation) throws IOException {
    IOException failure = fs.errors().translate(e, operation, location(), exclusive);
    boolean mayBeOurs =
        (exclusive && S3Errors.hasStatus(e, BlobErrors.PRECONDITION_FAILED))
            || S3Errors.errorCode(e).equals("NoSuchUpload");
    if (mayBeOurs) {
      try {
        if (writeId.equals(fs.head(location()).metadata().get(WRITE_ID))) {
          return;
        }
      } catch (IOException headFailure) {
        failure.addSuppressed(headFailure);
      }
    }
    throw failure;
  }

  @Override
  public String toString() {
    return "S3FileOutput[" + location() + (exclusive ? ", exclusive]" : "]");
  }
}
