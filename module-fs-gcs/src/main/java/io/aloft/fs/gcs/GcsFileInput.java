package io.aloft.fs.gcs;

import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpResponseException;
import com.google.api.services.storage.Storage;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.Location;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Positional reads of one Cloud Storage object, each one media GET with a {@code Range} header. The
 * first answer tells the object's generation ({@code x-goog-generation}); every later read sends
 * {@code ifGenerationMatch}, so a reader sees one version of the object or fails — it never mixes the
 * bytes of an object replaced meanwhile. No other state is shared between reads, so any number of
 * threads may read at once.
 *
 * <p>A request that failed transiently, and a body that broke off, are requested again (GcsRetries).
 */
final class GcsFileInput implements FileInput {

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
  private static final String GENERATION_HEADER = "x-goog-generation";

  private final GcsFileSystem fs;
  private final Location location;
  private final String bucket;
  private final String name;

  // Any thread; GcsInputFile.UNKNOWN_LENGTH until metadata or a response's Content-Range tells.
  private volatile long length;
  // Any thread; 0 until the first answer (or the metadata) tells, then fixed.
  private volatile long generation;

  GcsFileInput(GcsFileSystem fs, Location location, long length, long generation) {
    this.fs = fs;
    this.location = location;
    this.bucket = GcsFileSystem.bucket(location);
    this.name = GcsFileSystem.objectName(location);
    this.length = length;
    this.generation = generation;
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (position < 0) {
      throw new IllegalArgumentException("negative position " + position + " in " + location);
    }
    if (length == 0) {
      return;
    }
    long known = this.length;
    if (known != GcsInputFile.UNKNOWN_LENGTH && position + length > known) {
      throw pastEnd(position, length, known);
    }
    String range = "bytes=" + position + "-" + (position + length - 1);
    get(
        range,
        (response, body) -> {
          long start = rangeStart(response);
          if (start == -1 && position > 0) {
            skipFully(body, position, length); // the store ignored the range and sent the whole object
          } else if (start != -1 && start != position) {
            throw new GcsRetries.PermanentFailure(
                "GET " + range + " of " + location + " answered Content-Range "
                    + response.getHeaders().getContentRange());
          }
          int n = body.readNBytes(buffer, offset, length);
          if (n < length) {
            long end = start == -1 ? n : position + n;
            if (response.getHeaders().getContentLength() != null
                && n < response.getHeaders().getContentLength()) {
              throw new IOException("the response body broke off after " + n + " bytes");
            }
            throw pastEnd(position, length, end);
          }
          return n;
        },
        () -> pastEnd(position, length, GcsInputFile.UNKNOWN_LENGTH));
  }

  @Override
  public int readTail(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (length == 0 || this.length == 0) {
      return 0;
    }
    String range = "bytes=-" + length;
    try {
      return get(
          range,
          (response, body) -> {
            Long size = response.getHeaders().getContentLength(); // bytes in this response
            if (size == null) {
              if (rangeStart(response) == -1) {
                throw new GcsRetries.PermanentFailure(
                    "GET " + range + " of " + location + " sent neither a range nor a length");
              }
              return body.readNBytes(buffer, offset, length);
            }
            long bytes = size;
            if (rangeStart(response) == -1 && bytes > length) {
              // The store ignored the range: the body is the whole object; keep its end.
              skipFully(body, bytes - length, length);
              bytes = length;
            }
            if (bytes > length) {
              throw new GcsRetries.PermanentFailure(
                  "GET " + range + " of " + location + " answered " + bytes + " bytes, more than asked");
            }
            int n = body.readNBytes(buffer, offset, (int) bytes);
            if (n < bytes) {
              throw new IOException("the response body broke off after " + n + " of " + bytes + " bytes");
            }
            return n;
          },
          RangeNotSatisfiable::new);
    } catch (RangeNotSatisfiable e) {
      // A suffix range of an empty object is not satisfiable.
      long actual = fs.metadata(location).getSize().longValueExact();
      if (actual == 0) {
        this.length = 0;
        return 0;
      }
      throw new IOException(
          "GET " + range + " of " + location + " (" + actual + " bytes) answered 416", e);
    }
  }

  @Override
  public void close() {
    // Nothing is held between reads.
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
                if (e.getStatusCode() == GcsErrors.RANGE_NOT_SATISFIABLE) {
                  throw GcsErrors.withCause(unsatisfiable.get(), e);
                }
                if (e.getStatusCode() == GcsErrors.PRECONDITION_FAILED && pinned != 0) {
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
    String contentRange = response.getHeaders().getContentRange();
    if (contentRange != null) {
      Matcher m = CONTENT_RANGE.matcher(contentRange);
      if (m.matches() && !m.group(3).equals("*")) {
        length = Long.parseLong(m.group(3));
      }
    } else if (response.getHeaders().getContentLength() != null) {
      length = response.getHeaders().getContentLength(); // the whole object came back
    }
  }

  private void skipFully(InputStream body, long n, int length) throws IOException {
    try {
      body.skipNBytes(n);
    } catch (EOFException e) {
      throw GcsErrors.withCause(pastEnd(n, length, GcsInputFile.UNKNOWN_LENGTH), e);
    }
  }

  /** Where the returned bytes start in the object, or -1 when the whole object came back. */
  private long rangeStart(HttpResponse response) throws IOException {
    String contentRange = response.getHeaders().getContentRange();
    if (contentRange == null) {
      return -1;
    }
    Matcher m = CONTENT_RANGE.matcher(contentRange);
    if (!m.matches()) {
      throw new GcsRetries.PermanentFailure(
          "GET of " + location + " answered an unreadable Content-Range: " + contentRange);
    }
    return Long.parseLong(m.group(1));
  }

  private EOFException pastEnd(long position, int length, long fileLength) {
    return new EOFException(
        location + ": cannot read " + length + " bytes at position " + position + ": the file ends "
            + (fileLength == GcsInputFile.UNKNOWN_LENGTH ? "before it" : "at " + fileLength));
  }

  /** The store answered 416 to a suffix range; the caller checks whether the object is empty. */
  private static final class RangeNotSatisfiable extends GcsRetries.PermanentFailure {
    private static final long serialVersionUID = 1L;

    RangeNotSatisfiable() {
      super("416 Range Not Satisfiable");
    }
  }
}
