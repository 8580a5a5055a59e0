package io.aloft.spi.fs.blob;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.Location;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Positional reads of one file on a blob store, each one ranged GET that the provider sends in
 * {@link #readRange} or {@link #readLast}. This class checks the arguments, answers a read past a
 * known end with {@link EOFException} before any request, keeps the file's length once an answer tells
 * it, and reads the body of a ranged answer ({@link #copyRange}, {@link #copyTail}) — also from a store
 * that ignored the range and sent the whole file.
 *
 * <p>A missing file is {@link java.nio.file.NoSuchFileException} from the first read, naming the
 * location. Thread-safe: no state is shared between reads but the length, so any number of threads
 * may read at once.
 */
public abstract class BlobFileInput implements FileInput {

  private final Location location;

  // Any thread; BlobInputFile.UNKNOWN_LENGTH until metadata or an answer tells.
  private volatile long length;

  /** @param length the file's length, or {@link BlobInputFile#UNKNOWN_LENGTH} */
  protected BlobFileInput(Location location, long length) {
    this.location = Objects.requireNonNull(location, "location");
    this.length = length;
  }

  /**
   * Sends the GET of {@code length} (at least 1) bytes at {@code position} and reads them into the
   * buffer; the arguments are checked and the read lies within the length known so far.
   */
  protected abstract void readRange(long position, byte[] buffer, int offset, int length) throws IOException;

  /**
   * Sends the GET of the file's last {@code min(length, file length)} bytes ({@code length} is at least
   * 1, the file is not known to be empty) and returns how many it read into the buffer.
   */
  protected abstract int readLast(byte[] buffer, int offset, int length) throws IOException;

  @Override
  public final void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (position < 0) {
      throw new IllegalArgumentException("negative position " + position + " in " + location);
    }
    if (length == 0) {
      return;
    }
    long known = this.length;
    if (known != BlobInputFile.UNKNOWN_LENGTH && position + length > known) {
      throw pastEnd(position, length, known);
    }
    readRange(position, buffer, offset, length);
  }

  @Override
  public final int readTail(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (length == 0 || this.length == 0) {
      return 0;
    }
    return readLast(buffer, offset, length);
  }

  /** Nothing is held between reads. */
  @Override
  public void close() throws IOException {}

  protected final Location location() {
    return location;
  }

  /** The file's length as known so far, or {@link BlobInputFile#UNKNOWN_LENGTH}. */
  protected final long knownLength() {
    return length;
  }

  protected final void learnLength(long fileLength) {
    length = fileLength;
  }

  /**
   * Learns the file's length from an answer: the total of its {@code Content-Range}, or — without one
   * — its {@code Content-Length}, the whole file having come back. Either may be null.
   */
  protected final void learnLength(String contentRange, Long contentLength) {
    if (contentRange != null) {
      ContentRange.parse(contentRange)
          .filter(range -> range.total() != BlobInputFile.UNKNOWN_LENGTH)
          .ifPresent(range -> length = range.total());
    } else if (contentLength != null) {
      length = contentLength;
    }
  }

  /** The {@code Range} header value of {@code length} bytes at {@code position}. */
  protected static String range(long position, int length) {
    return "bytes=" + position + "-" + (position + length - 1);
  }

  /** The {@code Range} header value of the last {@code length} bytes. */
  protected static String suffixRange(int length) {
    return "bytes=-" + length;
  }

  /**
   * A store's answer that makes no sense for the request: not worth repeating. Providers whose retry
   * loop tells permanent failures by type return theirs.
   */
  protected IOException unexpectedAnswer(String message) {
    return new IOException(message);
  }

  /**
   * A body that ended after {@code received} of the {@code promised} bytes: worth requesting again.
   * Providers whose retry loop tells repeatable failures by type return theirs.
   */
  protected IOException brokenBody(long received, long promised) {
    return new IOException("the response body broke off after " + received + " of " + promised + " bytes");
  }

  /**
   * Reads the body of the answer to {@link #range(long, int)} into the buffer: all {@code length}
   * bytes, else {@link #brokenBody} when the answer promised more than came, or {@link EOFException}
   * when the file ends first.
   *
   * @param contentRange the answer's {@code Content-Range}, null when the whole file came back
   * @param contentLength the answer's {@code Content-Length}, or null
   */
  protected final void copyRange(
      long position, byte[] buffer, int offset, int length, String contentRange, Long contentLength, InputStream body)
      throws IOException {
    long start = rangeStart(contentRange);
    if (start == -1 && position > 0) {
      skipFully(body, position, length); // the store ignored the range and sent the whole file
    } else if (start != -1 && start != position) {
      throw unexpectedAnswer(
          "GET " + range(position, length) + " of " + location + " answered Content-Range " + contentRange);
    }
    int n = body.readNBytes(buffer, offset, length);
    if (n < length) {
      if (contentLength != null && n < contentLength) {
        throw brokenBody(n, contentLength);
      }
      throw pastEnd(position, length, position + n);
    }
  }

  /**
   * Reads the body of the answer to {@link #suffixRange(int)} into the buffer and returns how many
   * bytes it held: the file's last {@code min(length, file length)} bytes.
   */
  protected final int copyTail(byte[] buffer, int offset, int length, String contentRange, Long contentLength, InputStream body)
      throws IOException {
    String operation = "GET " + suffixRange(length) + " of " + location;
    if (contentLength == null) {
      if (rangeStart(contentRange) == -1) {
        throw unexpectedAnswer(operation + " sent neither a range nor a length");
      }
      return body.readNBytes(buffer, offset, length);
    }
    long bytes = contentLength;
    if (rangeStart(contentRange) == -1 && bytes > length) {
      // The store ignored the range: the body is the whole file; keep its end.
      skipFully(body, bytes - length, length);
      bytes = length;
    }
    if (bytes > length) {
      throw unexpectedAnswer(operation + " answered " + bytes + " bytes, more than asked");
    }
    int n = body.readNBytes(buffer, offset, (int) bytes);
    if (n < bytes) {
      throw brokenBody(n, bytes);
    }
    return n;
  }

  /**
   * The tail of a file whose suffix range the store answered 416 (Range Not Satisfiable), given the
   * file's actual length from a metadata request: none for an empty file; for any other an error.
   */
  protected final int tailOfUnsatisfiable(int length, long actualLength, IOException answer) throws IOException {
    if (actualLength == 0) {
      this.length = 0;
      return 0;
    }
    throw new IOException(
        "GET " + suffixRange(length) + " of " + location + " (" + actualLength + " bytes) answered 416", answer);
  }

  /** The file ends before {@code position + length}; at {@code fileLength}, if known. */
  protected final EOFException pastEnd(long position, int length, long fileLength) {
    return new EOFException(
        location + ": cannot read " + length + " bytes at position " + position + ": the file ends "
            + (fileLength == BlobInputFile.UNKNOWN_LENGTH ? "before it" : "at " + fileLength));
  }

  /** Where an answer's bytes start in the file, or -1 when it has no Content-Range (the whole file). */
  private long rangeStart(String contentRange) throws IOException {
    if (contentRange == null) {
      return -1;
    }
    return ContentRange.parse(contentRange)
        .orElseThrow(
            () -> unexpectedAnswer("GET of " + location + " answered an unreadable Content-Range: " + contentRange))
        .first();
  }

  private void skipFully(InputStream body, long n, int length) throws IOException {
    try {
      body.skipNBytes(n);
    } catch (EOFException e) {
      EOFException pastEnd = pastEnd(n, length, BlobInputFile.UNKNOWN_LENGTH);
      pastEnd.initCause(e);
      throw pastEnd;
    }
  }
}
