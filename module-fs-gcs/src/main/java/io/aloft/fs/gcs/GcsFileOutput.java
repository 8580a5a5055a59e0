package io.aloft.fs.gcs;

import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.http.json.JsonHttpContent;
import com.google.api.services.storage.Storage;
import com.google.api.services.storage.model.StorageObject;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobErrors;
import io.aloft.spi.fs.blob.BlobFileOutput;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes one Cloud Storage object. Bytes collect in a buffer that grows up to the chunk size; a file
 * that fits is one multipart upload (metadata and bytes in one request) at {@link #close()}, a larger
 * one a resumable upload session whose chunks leave as the buffer fills. Nothing is visible before
 * {@code close} returns: Cloud Storage publishes an object only when its upload completes.
 *
 * <p>A chunk whose request failed transiently is resumed from what the store says it holds (a status
 * query: {@code Content-Range: bytes *}{@code /*}), so a retry never sends bytes twice.
 *
 * <p>Every object carries a random write id in its metadata. When an exclusive upload's response is
 * lost and the retry meets {@code 412} (the object is there), the id tells whether this writer put it
 * there — then the write succeeded.
 */
final class GcsFileOutput extends BlobFileOutput {

  /** Object metadata key holding the writer's id. */
  static final String WRITE_ID = "aloft-write-id";

  private static final String OCTET_STREAM = "application/octet-stream";
  private static final int RESUME_INCOMPLETE = 308;
  private static final Pattern PERSISTED_RANGE = Pattern.compile("bytes=0-(\\d+)");

  private final GcsFileSystem fs;
  private final String bucket;
  private final String name;
  private final boolean exclusive;
  private final String writeId = UUID.randomUUID().toString();

  // Owned by the writing thread, like every OutputStream.
  private GenericUrl session;
  private long uploaded; // bytes the upload session holds; the buffer continues from here

  GcsFileOutput(GcsFileSystem fs, Location location, boolean exclusive) {
    super(location, fs.chunkSize());
    this.fs = fs;
    this.bucket = GcsFileSystem.bucket(location);
    this.name = GcsFileSystem.objectName(location);
    this.exclusive = exclusive;
  }

  @Override
  protected void uploadWhole(byte[] bytes, int length) throws IOException {
    publish(() -> upload(bytes, length));
  }

  /** A chunk that fails ends the writer: its session is cancelled, so no later chunk could follow. */
  @Override
  protected void uploadPart(byte[] bytes, int length) throws IOException {
    try {
      if (session == null) {
        startSession();
      }
      sendChunk(bytes, length, false);
    } catch (IOException | RuntimeException e) {
      cancelSession(e);
      markClosed();
      throw e;
    }
  }

  @Override
  protected boolean hasParts() {
    return session != null;
  }

  @Override
  protected void completeParts(byte[] bytes, int length) throws IOException {
    publish(
        () -> {
          sendChunk(bytes, length, true);
          session = null;
        });
  }

  @Override
  protected void afterFailedClose(Throwable failure) {
    cancelSession(failure);
  }

  @Override
  protected void discardParts() throws IOException {
    if (session != null) {
      GenericUrl url = session;
      session = null;
      cancel(url);
    }
  }

  @FunctionalInterface
  private interface Upload {
    void run() throws IOException;
  }

  /**
   * Runs the upload that publishes the object. An exclusive one that meets the object (412) succeeded
   * all the same when the object is this writer's own: an earlier attempt landed and its answer was lost.
   */
  private void publish(Upload upload) throws IOException {
    try {
      upload.run();
    } catch (FileAlreadyExistsException e) {
      session = null;
      if (!isOurs(e)) {
        throw e;
      }
    }
  }

  // --- requests -----------------------------------------------------------------------------------

  private StorageObject objectMetadata() {
    return new StorageObject()
        .setName(name)
        .setContentType(OCTET_STREAM)
        .setMetadata(Map.of(WRITE_ID, writeId));
  }

  /** The whole file as one multipart upload. */
  private void upload(byte[] bytes, int length) throws IOException {
    fs.retries()
        .call(
            "UPLOAD",
            location(),
            () -> {
              Storage.Objects.Insert insert =
                  fs.prepare(
                      fs.storage()
                          .objects()
                          .insert(bucket, objectMetadata(), new ByteArrayContent(OCTET_STREAM, bytes, 0, length)));
              insert.getMediaHttpUploader().setDirectUploadEnabled(true);
              insert.setFields("generation");
              if (exclusive) {
                insert.setIfGenerationMatch(0L);
              }
              try {
                insert.execute();
              } catch (HttpResponseException e) {
                throw alreadyExistsOr(e);
              }
              return null;
            });
  }

  /** Opens a resumable upload session; its URI is where the chunks go. */
  private void startSession() throws IOException {
    GenericUrl url =
        new GenericUrl(
            fs.storage().getRootUrl() + "upload/" + fs.storage().getServicePath() + "b/" + bucket + "/o");
    url.set("uploadType", "resumable");
    fs.userProject().ifPresent(project -> url.set("userProject", project));
    if (exclusive) {
      url.set("ifGenerationMatch", 0L);
    }
    session =
        fs.retries()
            .call(
                "START RESUMABLE UPLOAD of",
                location(),
                () -> {
                  HttpRequest request =
                      fs.storage()
                          .getRequestFactory()
                          .buildPostRequest(url, new JsonHttpContent(fs.storage().getJsonFactory(), objectMetadata()));
                  request.getHeaders().set("X-Upload-Content-Type", OCTET_STREAM);
                  HttpResponse response;
                  try {
                    response = request.execute();
                  } catch (HttpResponseException e) {
                    throw alreadyExistsOr(e);
                  }
                  try {
                    String sessionUri = response.getHeaders().getLocation();
                    if (sessionUri == null) {
                      throw new GcsRetries.PermanentFailure(
                          "START RESUMABLE UPLOAD of " + location() + ": " + fs.errors().endpoint()
                              + " answered without a session URI (Location header)");
                    }
                    return new GenericUrl(sessionUri);
                  } finally {
                    response.disconnect();
                  }
                });
  }

  /**
   * Sends the buffer as the session's next chunk, or as its last when {@code last} (which completes the
   * upload, publishing the object).
   */
  private void sendChunk(byte[] bytes, int length, boolean last) throws IOException {
    long start = uploaded;
    long end = start + length;
    boolean[] resuming = {false};
    fs.retries()
        .call(
            "UPLOAD " + (last ? "last chunk" : "chunk") + " at byte " + start + " of",
            location(),
            () -> {
              long from = start;
              if (resuming[0]) {
                long held = persisted();
                if (held == -1) {
                  if (last) {
                    return null; // an earlier attempt completed the upload; its answer was lost
                  }
                  throw new GcsRetries.PermanentFailure(
                      "UPLOAD of " + location() + ": the session completed before its last chunk");
                }
                if (held < start || held > end) {
                  throw new GcsRetries.PermanentFailure(
                      "UPLOAD of " + location() + ": the session holds " + held
                          + " bytes, outside the chunk being sent (" + start + ".." + end + ")");
                }
                from = held;
              }
              resuming[0] = true;
              int offset = (int) (from - start);
              String total = last ? String.valueOf(end) : "*";
              HttpRequest put =
                  fs.storage()
                      .getRequestFactory()
                      .buildPutRequest(
                          session, new ByteArrayContent(OCTET_STREAM, bytes, offset, (int) (end - from)));
              put.getHeaders()
                  .setContentRange(
                      from == end ? "bytes */" + total : "bytes " + from + "-" + (end - 1) + "/" + total);
              HttpResponse response = put.setThrowExceptionOnExecuteError(false).setFollowRedirects(false).execute();
              try {
                int status = response.getStatusCode();
                if (status == 200 || status == 201) {
                  if (last) {
                    return null;
                  }
                  throw new GcsRetries.PermanentFailure(
                      "UPLOAD of " + location() + ": the session completed before its last chunk");
                }
                if (status == RESUME_INCOMPLETE) {
                  long held = persistedBytes(response);
                  if (!last && held == end) {
                    return null;
                  }
                  // Worth another attempt: it asks what the store holds and sends the rest.
                  throw new IOException("the store kept " + held + " of " + end + " bytes");
                }
                throw sessionFailure(new HttpResponseException(response));
              } finally {
                response.disconnect();
              }
            });
    uploaded = end;
  }

  /** What the session holds, from a status query; -1 when the upload has completed. */
  private long persisted() throws IOException {
    HttpRequest query =
        fs.storage().getRequestFactory().buildPutRequest(session, new ByteArrayContent(OCTET_STREAM, new byte[0]));
    query.getHeaders().setContentRange("bytes */*");
    HttpResponse response = query.setThrowExceptionOnExecuteError(false).setFollowRedirects(false).execute();
    try {
      int status = response.getStatusCode();
      if (status == 200 || status == 201) {
        return -1;
      }
      if (status == RESUME_INCOMPLETE) {
        return persistedBytes(response);
      }
      throw sessionFailure(new HttpResponseException(response));
    } finally {
      response.disconnect();
    }
  }

  private long persistedBytes(HttpResponse response) throws IOException {
    String range = response.getHeaders().getRange();
    if (range == null) {
      return 0;
    }
    Matcher m = PERSISTED_RANGE.matcher(range);
    if (!m.matches()) {
      throw new GcsRetries.PermanentFailure(
          "UPLOAD of " + location() + ": " + fs.errors().endpoint() + " answered an unreadable Range: " + range);
    }
    return Long.parseLong(m.group(1)) + 1;
  }

  /**
   * The failure of a request of the session: 412 is the exclusive create's precondition, 404 and 410
   * a session that expired or was cancelled; others go to the retry loop.
   */
  private IOException sessionFailure(HttpResponseException e) {
    if (e.getStatusCode() == 404 || e.getStatusCode() == 410) {
      return new GcsRetries.PermanentFailure(
          "UPLOAD of " + location() + ": the upload session is gone (" + GcsErrors.describe(e) + ")", e);
    }
    return alreadyExistsOr(e);
  }

  private IOException alreadyExistsOr(HttpResponseException e) {
    if (exclusive && e.getStatusCode() == BlobErrors.PRECONDITION_FAILED) {
      return BlobErrors.withCause(
          new FileAlreadyExistsException(
              location().toString(), null, "it exists (ifGenerationMatch=0 answered 412)"),
          e);
    }
    return e;
  }

  /**
   * Whether the object that made an exclusive upload fail is this writer's own: an earlier attempt
   * landed and its answer was lost.
   */
  private boolean isOurs(FileAlreadyExistsException failure) {
    try {
      Map<String, String> metadata = fs.metadata(location()).getMetadata();
      return metadata != null && writeId.equals(metadata.get(WRITE_ID));
    } catch (IOException e) {
      failure.addSuppressed(e);
      return false;
    }
  }

  /** After a failed write, cancels the session; its own failure is added to {@code failure}. */
  private void cancelSession(Throwable failure) {
    if (session == null) {
      return;
    }
    GenericUrl url = session;
    session = null;
    try {
      cancel(url);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /** Cancels a resumable upload session; Cloud Storage answers 499. */
  private void cancel(GenericUrl url) throws IOException {
    fs.retries()
        .call(
            "CANCEL the resumable upload of",
            location(),
            () -> {
              HttpResponse response =
                  fs.storage()
                      .getRequestFactory()
                      .buildDeleteRequest(url)
                      .setThrowExceptionOnExecuteError(false)
                      .execute();
              try {
                int status = response.getStatusCode();
                if (status == 499 || status == 204 || status == 200 || status == 404 || status == 410) {
                  return null;
                }
                throw new HttpResponseException(response);
              } finally {
                response.disconnect();
              }
            });
  }

  @Override
  public String toString() {
    return "GcsFileOutput[" + location() + (exclusive ? ", exclusive]" : "]");
  }
}
