package io.aloft.spi.fs.blob;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Content-Range: bytes first-last/total} header of a ranged answer.
 *
 * @param first the position in the file of the answer's first byte
 * @param last the position of its last byte
 * @param total the file's length, or {@link BlobInputFile#UNKNOWN_LENGTH} when the store sent {@code *}
 */
public record ContentRange(long first, long last, long total) {

  private static final Pattern HEADER = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

  /** The header's range, or empty when it is not of the form {@code bytes first-last/total}. */
  public static Optional<ContentRange> parse(String header) {
    Matcher m = HEADER.matcher(header);
    if (!m.matches()) {
      return Optional.empty();
    }
    long total = m.group(3).equals("*") ? BlobInputFile.UNKNOWN_LENGTH : Long.parseLong(m.group(3));
    return Optional.of(new ContentRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), total));
  }
}
