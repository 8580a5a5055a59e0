package io.aloft.fs.gcs;

import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpResponseException;
import com.google.api.services.storage.Storage;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobErrors;
import io.aloft.spi.fs.blob.BlobFileInput;
import io.aloft.spi.fs.blob.BlobInputFile;
import java.io.IOException;
import java.io.InputStream;

/**
 * Positional reads of one Cloud Storage object, each one media GET with a {@code Range} header. The
 * first answer tells the object's generation ({@code x-goog-generation}); every later read sends
 * {@code ifGenerationMatch}, so a reader sees one version of the object or fails — it never mixes the
 * bytes of an object replaced meanwhile. No other state is shared between reads, so any number of
 * threads may read at once.
 *
 * <p>A request that failed transiently, and a body that broke off, are requested again (GcsRetries).
 */
final class GcsFileInput extends BlobFileInput {

  private static final String GENERATION_HEADER = "x-goog-generation";

  private final GcsFileSystem fs;
  private final String bucket;
  private final String name;

  // Any thread; 0 until the first answer (or the metadata) tells, then fixed.
  private volatile long generation;

  GcsFileInput(GcsFileSystem fs, Location location, long length, long generation) {
    super(location, length);
    this.fs = fs;
    this.bucket = GcsFileSystem.bucket(location);
    this.name = GcsFileSystem.objectName(location);
    this.generation = generation;
  }

  @Override
  protected void readRange(long position, byte[] buffer, int offset, int length) throws IOException {
    get(
        range(position, length),
        (response, body) -> {
          copyRange(
              position,
              buffer,
              offset,
              length,
              response.getHeaders().getContentRange(),
              response.getHeaders().getContentLength(),
              body);
          return length;
        },
        () -> pastEnd(position, length, BlobInputFile.UNKNOWN_LENGTH));
  }

  @Override
  protected int readLast(byte[] buffer, int offset, int length) throws IOException {
    try {
      return get(
          suffixRange(length),
          (response, body) ->
              copyTail(
                  buffer,
                  offset,
                  length,
                  response.getHeaders().getContentRange(),
                  response.getHeaders().getContentLength(),
                  body),
          RangeNotSatisfiable::new);
    } catch (RangeNotSatisfiable e) {
      // A suffix range of an empty object is not satisfiable.
      return tailOfUnsatisfiable(length, fs.metadata(location()).getSize().longValueExact(), e);
    }
  }

  /** Not worth repeating: GcsRetries tells it by its type. */
  @Override
  protected IOException unexpectedAnswer(String message) {
    return new GcsRetries.PermanentFailure(message);
  }

  @FunctionalInterface
  private interface BodyReader {
    int read(HttpResponse response, InputStream body) throws IOException;
  }

  @FunctionalInterface
  private interface Unsatisfiable {
    IOException get();
  }

  /**
   * One ranged media GET whose body {@code reader} consumes, retried as a whole while it fails
   * transiently; a 416 becomes {@code unsatisfiable}, a 412 (the object was replaced) a failure naming
   * the generation read so far.
   */
  private int get(String range, BodyReader reader, Unsatisfiable unsatisfiable) throws IOException {
    String operation = "GET " + range + " of";
    Location location = location();
    return fs.retries()
        .call(
            operation,
            location,
            () -> {
              long pinned = generation;
              Storage.Objects.Get get = fs.prepare(fs.storage().objects().get(bucket, name));
              if (pinned != 0) {
                get.setIfGenerationMatch(pinned);
              }
              get.getRequestHeaders().setRange(range);
              HttpResponse response;
              try {
                response = get.executeMedia();
              } catch (HttpResponseException e) {
                if (e.getStatusCode() == BlobErrors.RANGE_NOT_SATISFIABLE) {
                  throw BlobErrors.withCause(unsatisfiable.get(), e);
                }
                if (e.getStatusCode() == BlobErrors.PRECONDITION_FAILED && pinned != 0) {
                  throw new GcsRetries.PermanentFailure(
                      operation + " " + location + ": the object was replaced since this reader read"
                          + " its generation " + pinned + " (" + GcsErrors.describe(e) + ")",
                      e);
                }
                throw e;
              }
              boolean consumed = false;
              try (InputStream body = response.getContent()) {
                learn(response);
                int n = reader.read(response, body == null ? InputStream.nullInputStream() : body);
                consumed = true;
                return n;
              } finally {
                if (!consumed || response.getHeaders().getContentRange() == null) {
                  response.disconnect(); // don't drain a broken body, or an object sent whole
                }
              }
            });
  }

  private void learn(HttpResponse response) {
    String header = response.getHeaders().getFirstHeaderStringValue(GENERATION_HEADER);
    if (header != null && generation == 0) {
      try {
        generation = Long.parseLong(header.trim());
      } catch (NumberFormatException ignored) {
        // Not a generation: keep reading unpinned, as from a store that sends none.
      }
    }
    learnLength(response.getHeaders().getContentRange(), response.getHeaders().getContentLength());
  }

  /** The store answered 416 to a suffix range; the caller checks whether the object is empty. */
  private static final class RangeNotSatisfiable extends GcsRetries.PermanentFailure {
    private static final long serialVersionUID = 1L;

    RangeNotSatisfiable() {
      super("416 Range Not Satisfiable");
    }
  }
}
