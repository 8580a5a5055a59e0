package io.aloft.engine.checkpoint;

import java.util.regex.Pattern;

/**
 * What a checkpoint part may name: the rules a part is checked against before anything acts on it (a
 * restore takes its files over, and later deletes those that no checkpoint needs any more; its run is
 * fenced and its lease removed). A part that breaks one is refused, naming the part and the entry.
 *
 * <p>A part of processor {@code P} may list, relative to the checkpoint root:
 *
 * <ul>
 *   <li>{@code shared/<instance of P>/…} — the files of P's instances: forst's primary directory inside
 *       the root, rocksdb's uploaded SST files;
 *   <li>{@code chk-<id>/files/<name>} — files a forst checkpoint copied (primary directory elsewhere);
 *   <li>{@code chk-<id>/<instance of P>/…} and {@code chk-<id>/<instance of P>.<ext>} — files private to
 *       one checkpoint of an instance (rocksdb's non-SST files, the hashmap backend's file).
 * </ul>
 *
 * Every entry is a relative path of non-empty segments without {@code .} or {@code ..}, NUL or control
 * characters; never a part, lease, hold, fence or tombstone. An instance of P is {@code
 * <P>-<index>of<parallelism>}; a run of it is that name, {@code -}, and a UUID.
 */
final class PartEntries {
  private PartEntries() {}

  private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-[0-9]+");
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /**
   * Checks every entry of {@code part}, read from {@code where}, for processor {@code operator}.
   *
   * @throws CheckpointException naming the part and the first entry at fault
   */
  static void check(InstanceCheckpoint part, String where, String operator) throws CheckpointException {
    if (!CheckpointRoot.isInstanceOf(part.instanceName(), operator)) {
      throw refused(where, "its instance name '" + printable(part.instanceName()) + "' is not an instance of '"
          + operator + "'");
    }
    String run = part.incarnation();
    if (!run.isEmpty() && !isRunOf(run, part.instanceName())) {
      throw refused(where, "its run '" + printable(run) + "' is not a run of its instance '"
          + part.instanceName() + "'");
    }
    for (String file : part.files()) {
      String problem = problem(file, operator);
      if (problem != null) {
        throw refused(where, "it lists '" + printable(file) + "', " + problem);
      }
    }
  }

  /** Whether {@code run} is {@code <instance>-<uuid>}. */
  static boolean isRunOf(String run, String instance) {
    return run.startsWith(instance + "-") && UUID.matcher(run.substring(instance.length() + 1)).matches();
  }

  /** Why {@code file} may not be listed by a part of {@code operator}, or null when it may. */
  static String problem(String file, String operator) {
    if (file.isEmpty()) {
      return "an empty path";
    }
    for (int i = 0; i < file.length(); i++) {
      if (Character.isISOControl(file.charAt(i))) {
        return "a path with a NUL or control character";
      }
    }
    if (file.startsWith("/") || file.contains("://")) {
      return "which is not a path relative to the checkpoint root";
    }
    String[] segments = file.split("/", -1);
    for (String segment : segments) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return "a path with an empty, '.' or '..' segment";
      }
    }
    if (segments.length < 2) {
      return "a bare name outside any directory of the checkpoint root";
    }
    String last = segments[segments.length - 1];
    if (last.endsWith(InstanceCheckpoint.SUFFIX)
        || last.endsWith(CheckpointRoot.TOMBSTONE_SUFFIX)
        || last.endsWith(CheckpointRoot.HOLD_SUFFIX)
        || last.equals(CheckpointRoot.LEASE)
        || last.equals(CheckpointRoot.FENCE)
        || last.equals(CheckpointRoot.ENDED)) {
      return "which is checkpoint bookkeeping, not state";
    }
    if (segments[0].equals("shared")) {
      if (segments.length >= 3 && CheckpointRoot.isInstanceOf(segments[1], operator)) {
        return null;
      }
      return "which is not below shared/<an instance of '" + operator + "'>/";
    }
    if (CHECKPOINT_DIR.matcher(segments[0]).matches()) {
      if (segments[1].equals("files") && segments.length == 3) {
        return null;
      }
      if (segments.length >= 3 && CheckpointRoot.isInstanceOf(segments[1], operator)) {
        return null;
      }
      int dot = segments[1].indexOf('.');
      if (segments.length == 2 && dot > 0 && CheckpointRoot.isInstanceOf(segments[1].substring(0, dot), operator)) {
        return null;
      }
      return "which is not a file of '" + operator + "' in " + segments[0] + "/";
    }
    return "which is outside shared/ and the chk-<id>/ directories";
  }

  private static CheckpointException refused(String where, String why) {
    return new CheckpointException("checkpoint part " + where + " is refused: " + why);
  }

  /** {@code text} with control characters as backslash-u escapes. */
  static String printable(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return b.toString();
  }
}
