package io.aloft.cli;

import io.aloft.engine.checkpoint.CheckpointRoot;
import io.aloft.engine.checkpoint.InstanceCheckpoint;
import io.aloft.engine.checkpoint.KeyGroupCoverage;
import io.aloft.engine.checkpoint.Lease;
import io.aloft.engine.forst.ForStSnapshot;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoint directories and roots as the engine's own readers see them ({@link InstanceCheckpoint},
 * {@link Lease}, {@link ForStSnapshot}, {@link KeyGroupCoverage}): the layout is
 * {@code docs/checkpoints.md}'s. Nothing here parses a format; it groups what the readers return.
 */
final class Checkpoints {
  private Checkpoints() {}

  private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-([0-9]+)");
  private static final Pattern INSTANCE = Pattern.compile("(.+)-[0-9]+of[0-9]+");

  /** The id of a checkpoint directory {@code chk-<id>}, if it is one. */
  static OptionalLong idOf(Location dir) {
    Matcher m = CHECKPOINT_DIR.matcher(dir.fileName());
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(m.group(1)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The processor an instance ({@code <processor>-<index>of<parallelism>}) belongs to. */
  static String processorOf(String instanceName) {
    Matcher m = INSTANCE.matcher(instanceName);
    if (m.matches() && CheckpointRoot.isInstanceOf(instanceName, m.group(1))) {
      return m.group(1);
    }
    return instanceName;
  }

  /** One part of a checkpoint, read. */
  record Part(Location location, long length, InstanceCheckpoint meta, boolean discarded) {
    String processor() {
      return processorOf(meta.instanceName());
    }

    /** The files the part needs, where they are. */
    List<Location> files(Location root) {
      return meta.files().stream().map(root::resolve).toList();
    }

    /** Forst's files by level (with what the part recorded of each), for a forst part. */
    Optional<ForStSnapshot> forst() throws IOException {
      if (!meta.backendType().equals("forst")) {
        return Optional.empty();
      }
      try {
        return Optional.of(ForStSnapshot.decode(meta.backendMetadata()));
      } catch (IOException e) {
        throw new IOException("checkpoint part " + location + ": " + e.getMessage(), e);
      }
    }
  }

  /** A part file that could not be read, and why (the reader's message names the file). */
  record UnreadablePart(Location location, long length, String problem) {
    String processor() {
      String name = location.fileName();
      return processorOf(name.substring(0, name.length() - InstanceCheckpoint.SUFFIX.length()));
    }
  }

  /**
   * A checkpoint directory: the parts read, those that could not be, tombstones (parts being discarded),
   * holds of restores from other roots, and any other file in it (copies in {@code files/}, rocksdb's and
   * hashmap's private files).
   */
  record Checkpoint(
      Location root,
      Location dir,
      long id,
      List<Part> parts,
      List<UnreadablePart> unreadable,
      Set<Location> tombstones,
      Set<Location> holds,
      List<FileEntry> otherFiles) {

    boolean isEmpty() {
      return parts.isEmpty() && unreadable.isEmpty();
    }

    /** Per processor: null when its parts form a complete checkpoint, else why they do not. */
    Map<String, String> problems() {
      Map<String, List<InstanceCheckpoint>> byProcessor = new TreeMap<>();
      Map<String, String> problems = new TreeMap<>();
      for (Part p : parts) {
        byProcessor.computeIfAbsent(p.processor(), k -> new ArrayList<>()).add(p.meta());
        if (p.discarded()) {
          problems.putIfAbsent(p.processor(), "is being discarded (" + p.location().fileName()
              + CheckpointRoot.TOMBSTONE_SUFFIX + ")");
        }
      }
      for (UnreadablePart u : unreadable) {
        byProcessor.computeIfAbsent(u.processor(), k -> new ArrayList<>());
        problems.putIfAbsent(u.processor(), "has a part that cannot be read (" + u.location().fileName() + ")");
      }
      Map<String, String> result = new TreeMap<>();
      byProcessor.forEach((processor, metas) -> {
        String problem = problems.get(processor);
        if (problem == null && !metas.isEmpty()) {
          problem = KeyGroupCoverage.problem(metas);
        }
        result.put(processor, problem);
      });
      return result;
    }

    boolean isComplete() {
      return !isEmpty() && problems().values().stream().allMatch(java.util.Objects::isNull);
    }

    /** Every file the parts need, where it is, with the parts that list it. */
    Map<Location, List<Part>> files() {
      Map<Location, List<Part>> files = new LinkedHashMap<>();
      for (Part p : parts) {
        for (Location f : p.files(root)) {
          files.computeIfAbsent(f, k -> new ArrayList<>()).add(p);
        }
      }
      return files;
    }

    /** {@code chk-7} and its state, e.g. {@code complete}, {@code incomplete}. */
    String state() {
      if (isEmpty()) {
        return "empty";
      }
      if (!tombstones.isEmpty()) {
        return "discarding";
      }
      if (!unreadable.isEmpty()) {
        return "unreadable";
      }
      return isComplete() ? "complete" : "incomplete";
    }
  }

  /**
   * Reads the checkpoint in {@code dir} (below {@code root}) from a listing of it: {@code entries} holds
   * at least every file directly in {@code dir}.
   */
  static Checkpoint read(StateFileSystem fs, Location root, Location dir, List<FileEntry> entries) {
    List<Part> parts = new ArrayList<>();
    List<UnreadablePart> unreadable = new ArrayList<>();
    Set<Location> tombstones = new LinkedHashSet<>();
    Set<Location> holds = new LinkedHashSet<>();
    List<FileEntry> partFiles = new ArrayList<>();
    List<FileEntry> other = new ArrayList<>();
    for (FileEntry e : entries) {
      Location l = e.location();
      if (!l.isBelow(dir)) {
        continue;
      }
      String name = l.fileName();
      boolean direct = l.parent().equals(dir);
      if (direct && name.endsWith(InstanceCheckpoint.SUFFIX)) {
        partFiles.add(e);
      } else if (direct && name.endsWith(InstanceCheckpoint.SUFFIX + CheckpointRoot.TOMBSTONE_SUFFIX)) {
        tombstones.add(l);
      } else if (direct && name.endsWith(CheckpointRoot.HOLD_SUFFIX)) {
        holds.add(l);
      } else {
        other.add(e);
      }
    }
    partFiles.sort(Comparator.comparing(e -> e.location().toString()));
    for (FileEntry e : partFiles) {
      Location l = e.location();
      boolean discarded = tombstones.contains(l.parent().resolve(l.fileName() + CheckpointRoot.TOMBSTONE_SUFFIX));
      try {
        parts.add(new Part(l, e.length(), InstanceCheckpoint.read(fs, l), discarded));
      } catch (IOException ex) {
        unreadable.add(new UnreadablePart(l, e.length(), describe(ex, l)));
      }
    }
    parts.sort(Comparator.comparing(Part::processor)
        .thenComparingInt(p -> p.meta().keyGroupRange().startKeyGroup()));
    other.sort(Comparator.comparing(e -> e.location().toString()));
    long id = idOf(dir).orElse(-1);
    return new Checkpoint(root, dir, id, parts, unreadable, tombstones, holds, other);
  }

  /**
   * Reads the checkpoint directory {@code dir} (its root is its parent).
   *
   * @throws CliException when {@code dir} is not a {@code chk-<id>} directory or holds no part
   */
  static Checkpoint read(StateFileSystem fs, Location dir) throws IOException {
    if (idOf(dir).isEmpty()) {
      throw new CliException(
          AloftCli.STORE_ERROR,
          dir + " is not a checkpoint directory: expected <checkpoint root>/chk-<id> (list a root's"
              + " checkpoints with: aloft checkpoint list ROOT)");
    }
    Checkpoint c = read(fs, dir.parent(), dir, fs.list(dir));
    if (c.isEmpty()) {
      throw new CliException(
          AloftCli.STORE_ERROR,
          dir + " holds no checkpoint part (<instance>" + InstanceCheckpoint.SUFFIX
              + "): it is not a checkpoint, or it was discarded");
    }
    return c;
  }

  /** A lease of a run, read, or why it could not be. */
  record LeaseFile(Location location, Optional<Lease> lease, String problem) {}

  /** A checkpoint root: one listing of it, its checkpoints (by id) and its runs' leases. */
  record Root(
      Location location, List<FileEntry> files, Map<Long, Checkpoint> checkpoints, List<LeaseFile> leases) {

    /** Lengths of the files in the root, by location. */
    Map<Location, Long> lengths() {
      Map<Location, Long> lengths = new HashMap<>();
      files.forEach(e -> lengths.put(e.location(), e.length()));
      return lengths;
    }

    /** Runs with a fence ({@code instances/<run>/fenced}) or an end marker ({@code …/ended}). */
    long runsMarked(String marker) {
      return files.stream()
          .filter(e -> e.location().fileName().equals(marker)
              && e.location().parent().parent().equals(location.resolve(CheckpointRoot.INSTANCES)))
          .count();
    }
  }

  /** Lists {@code root} once and reads every part and lease in it. */
  static Root readRoot(StateFileSystem fs, Location root) throws IOException {
    List<FileEntry> files = fs.list(root);
    Map<Location, List<FileEntry>> byCheckpoint = new HashMap<>();
    List<LeaseFile> leases = new ArrayList<>();
    Location instances = root.resolve(CheckpointRoot.INSTANCES);
    for (FileEntry e : files) {
      Location l = e.location();
      String top = l.relativeTo(root).split("/", 2)[0];
      Location topDir = root.resolve(top);
      if (idOf(topDir).isPresent() && !l.equals(topDir)) {
        byCheckpoint.computeIfAbsent(topDir, k -> new ArrayList<>()).add(e);
      } else if (l.isBelow(instances) && l.fileName().equals(CheckpointRoot.LEASE)
          && l.parent().parent().equals(instances)) {
        try {
          leases.add(new LeaseFile(l, Optional.of(Lease.read(fs, l)), null));
        } catch (IOException ex) {
          leases.add(new LeaseFile(l, Optional.empty(), describe(ex, l)));
        }
      }
    }
    Map<Long, Checkpoint> checkpoints = new TreeMap<>();
    byCheckpoint.forEach((dir, entries) -> {
      Checkpoint c = read(fs, root, dir, entries);
      checkpoints.put(c.id(), c);
    });
    leases.sort(Comparator.comparing(lf -> lf.location().toString()));
    return new Root(root, files, checkpoints, leases);
  }

  /** Lengths of the files in the directories holding {@code files}, each directory listed once. */
  static Map<Location, Long> lengths(StateFileSystem fs, java.util.Collection<Location> files) throws IOException {
    Set<Location> dirs = new LinkedHashSet<>();
    files.forEach(f -> dirs.add(f.parent()));
    // A directory below another listed one is in that listing already (listings are recursive).
    List<Location> sorted = new ArrayList<>(dirs);
    sorted.sort(Comparator.comparing(Location::toString));
    List<Location> tops = new ArrayList<>();
    for (Location d : sorted) {
      if (tops.stream().noneMatch(t -> d.equals(t) || d.isBelow(t))) {
        tops.add(d);
      }
    }
    Map<Location, Long> lengths = new HashMap<>();
    for (Location d : tops) {
      for (FileEntry e : fs.list(d)) {
        lengths.put(e.location(), e.length());
      }
    }
    return lengths;
  }

  /** The reader's message, which names the file; the file and the error type when it has none. */
  static String describe(IOException e, Location location) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return location + ": " + e.getClass().getSimpleName();
    }
    return m.contains(location.toString()) || m.contains(location.path()) ? m : location + ": " + m;
  }
}
