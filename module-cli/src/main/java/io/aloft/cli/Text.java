package io.aloft.cli;

import io.aloft.engine.progress.Progress;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/** How the tool writes numbers, sizes, ages and raw bytes, and reads keys given on the command line. */
final class Text {
  private Text() {}

  /** Bytes shown before a long value is cut. */
  static final int MAX_SHOWN_BYTES = 48;

  /** {@code 1234567} as {@code 1,234,567}. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code 1536} as {@code 1.5 KiB}. */
  static String size(long bytes) {
    return Progress.bytes(bytes);
  }

  /** An age in its two largest units: {@code 3 d 4 h}, {@code 12 min 5 s}, {@code 40 s}. */
  static String age(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s >= 86_400) {
      return s / 86_400 + " d " + (s % 86_400) / 3600 + " h";
    }
    if (s >= 3600) {
      return s / 3600 + " h " + (s % 3600) / 60 + " min";
    }
    if (s >= 60) {
      return s / 60 + " min " + s % 60 + " s";
    }
    return s + " s";
  }

  /**
   * Bytes as a quoted string when they are mostly printable ASCII ({@code "\x07user-42"}), else as hex
   * ({@code 0x0000000000000005}); longer than {@link #MAX_SHOWN_BYTES}, cut and followed by the length.
   * {@link #parseKey} reads both forms back.
   */
  static String bytes(byte[] b) {
    return bytes(b, 0, b.length);
  }

  static String bytes(byte[] b, int offset, int length) {
    int shown = Math.min(length, MAX_SHOWN_BYTES);
    int printable = 0;
    for (int i = 0; i < length; i++) {
      int c = b[offset + i] & 0xFF;
      if (c >= 0x20 && c < 0x7F) {
        printable++;
      }
    }
    StringBuilder s = new StringBuilder();
    if (length > 0 && printable * 4 >= length * 3) {
      s.append('"');
      for (int i = 0; i < shown; i++) {
        int c = b[offset + i] & 0xFF;
        if (c == '"' || c == '\\') {
          s.append('\\').append((char) c);
        } else if (c >= 0x20 && c < 0x7F) {
          s.append((char) c);
        } else {
          s.append(String.format(Locale.ROOT, "\\x%02x", c));
        }
      }
      s.append('"');
    } else if (length == 0) {
      s.append("\"\"");
    } else {
      s.append("0x").append(HexFormat.of().formatHex(b, offset, offset + shown));
    }
    if (shown < length) {
      s.append("… (").append(count(length)).append(" bytes)");
    }
    return s.toString();
  }

  /**
   * A key given on the command line: {@code 0x…} hex, or text with {@code \xNN} escapes (and {@code \\},
   * {@code \"}), optionally in double quotes, as {@link #bytes} prints keys.
   *
   * @throws IllegalArgumentException naming what is malformed
   */
  static byte[] parseKey(String text) {
    if (text.startsWith("0x") || text.startsWith("0X")) {
      try {
        return HexFormat.of().parseHex(text.substring(2));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + text + "' is not hex: " + e.getMessage(), e);
      }
    }
    String t = text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")
        ? text.substring(1, text.length() - 1) : text;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c != '\\') {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      if (i + 1 < t.length() && (t.charAt(i + 1) == '\\' || t.charAt(i + 1) == '"')) {
        out.write(t.charAt(++i));
      } else if (i + 3 < t.length() && t.charAt(i + 1) == 'x') {
        try {
          out.write(Integer.parseInt(t.substring(i + 2, i + 4), 16));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + text + "' has a malformed \\x escape at " + i);
        }
        i += 3;
      } else {
        throw new IllegalArgumentException(
            "'" + text + "' has a malformed escape at " + i + " (expected \\xNN, \\\\ or \\\")");
      }
    }
    return out.toByteArray();
  }
}
