package io.aloft.engine.testkit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes {@code first..last} (inclusive) of a file that a {@code Range} header asks for, as fake
 * stores read it: {@code bytes=first-last}, {@code bytes=first-} or {@code bytes=-suffix}.
 */
public record ByteRange(long first, long last) {

  private static final Pattern HEADER = Pattern.compile("bytes=(\\d*)-(\\d*)");

  /** The whole of a file of {@code length} bytes. */
  public static ByteRange whole(long length) {
    return new ByteRange(0, length - 1);
  }

  /** Whether {@code header} has one of the forms this class reads. */
  public static boolean readable(String header) {
    Matcher m = HEADER.matcher(header);
    return m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty());
  }

  /**
   * The range {@code header} asks of a file of {@code length} bytes; empty when the header is not
   * {@link #readable} or no byte of the file is in it (a store answers 416).
   */
  public static Optional<ByteRange> of(String header, long length) {
    Matcher m = HEADER.matcher(header);
    if (!readable(header) || !m.matches()) {
      return Optional.empty();
    }
    long first;
    long last;
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      first = Math.max(0, length - suffix);
      last = length - 1;
    } else {
      first = Long.parseLong(m.group(1));
      last = m.group(2).isEmpty() ? length - 1 : Math.min(length - 1, Long.parseLong(m.group(2)));
    }
    return first >= length || first > last ? Optional.empty() : Optional.of(new ByteRange(first, last));
  }

  /** How many bytes. */
  public int size() {
    return (int) (last - first + 1);
  }
}
