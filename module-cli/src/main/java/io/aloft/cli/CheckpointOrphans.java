package io.aloft.cli;

import io.aloft.config.ConfigOption;
import io.aloft.engine.checkpoint.CheckpointRoot;
import io.aloft.engine.checkpoint.InstanceCheckpoint;
import io.aloft.engine.checkpoint.Lease;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aloft checkpoint orphans ROOT}. */
@Command(
    name = "orphans",
    description = {
      "Lists the files of a checkpoint root that nothing needs, with their age; deletes old ones.",
      "Lists the state files of a checkpoint root that nothing needs: files under shared/ and in the"
          + " chk-<id>/ directories that no checkpoint part in the root lists (whether retained or being"
          + " discarded) and no run's lease names (instances/<run>/lease: the parts it retains and the"
          + " files it inherited), with their size and age.",
      "Such files are left by runs that died between writing a file and checkpointing it"
          + " (docs/checkpoints.md, \"What is not cleaned up\"). A running job's newest files are in no"
          + " checkpoint yet either: --delete deletes only files older than --older-than, which must be"
          + " longer than the job's checkpoint interval and the time its checkpoints take. Nothing is"
          + " deleted when a part or lease cannot be read (what it names is unknown)."
    })
final class CheckpointOrphans implements Callable<Integer> {
  private static final ConfigOption<Duration> OLDER_THAN =
      ConfigOption.duration("--older-than", null, "Only files at least this old.");

  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ROOT", converter = Locations.class,
      description = "The checkpoint root: a URI or a local path.")
  private Location root;

  @Option(names = "--older-than", paramLabel = "DURATION",
      description = "Only files at least this old, e.g. 1 h, 30 min, 2 d (the age the store records).")
  private String olderThan;

  @Option(names = "--delete", description = "Delete the orphans listed (only with --older-than).")
  private boolean delete;

  /** An orphan and its age, when the store tells it. */
  record Orphan(FileEntry file, Optional<Duration> age) {}

  @Override
  public Integer call() throws IOException {
    Duration minAge = null;
    if (olderThan != null) {
      try {
        minAge = OLDER_THAN.parse(olderThan);
      } catch (io.aloft.config.ConfigException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    if (delete && minAge == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--delete needs --older-than DURATION: a running job's newest files are in no checkpoint yet,"
              + " and only their age tells them from orphans");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Stores stores = AloftCli.of(spec).openStores()) {
      StateFileSystem fs = stores.of(root);
      Checkpoints.Root r = Checkpoints.readRoot(fs, root);
      if (r.files().isEmpty()) {
        throw new CliException(AloftCli.STORE_ERROR, root + " holds no files: not a checkpoint root");
      }
      List<String> unreadable = new ArrayList<>();
      Set<Location> needed = needed(r, unreadable);
      Instant now = Instant.now();
      List<Orphan> orphans = new ArrayList<>();
      for (FileEntry e : r.files()) {
        if (isStateFile(root, e.location()) && !needed.contains(e.location())) {
          orphans.add(new Orphan(e, age(fs, e.location(), now)));
        }
      }
      orphans.sort(Comparator.comparing(o -> o.file().location().toString()));
      Duration min = minAge;
      List<Orphan> shown = min == null ? orphans
          : orphans.stream().filter(o -> o.age().isPresent() && o.age().get().compareTo(min) >= 0).toList();
      long bytes = shown.stream().mapToLong(o -> o.file().length()).sum();
      out.printf("orphans in %s%s: %s, %s (no part and no lease in the root names them)%n",
          root, min == null ? "" : " at least " + olderThan + " old",
          CheckpointCommand.plural(shown.size(), "file"), Text.size(bytes));
      for (String u : unreadable) {
        out.printf("cannot be read: %s%n", u);
      }
      if (!unreadable.isEmpty()) {
        out.println("(files those name are unknown: some orphans listed may be needed)");
      }
      for (Orphan o : shown) {
        out.printf("  %-14s %10s  %s%n",
            o.age().map(Text::age).orElse("age unknown"), Text.size(o.file().length()),
            o.file().location().relativeTo(root));
      }
      if (min != null && shown.size() < orphans.size()) {
        out.printf("(%s younger)%n", CheckpointCommand.plural(orphans.size() - shown.size(), "more orphan"));
      }
      if (!delete) {
        return AloftCli.OK;
      }
      if (!unreadable.isEmpty()) {
        throw new CliException(
            AloftCli.STORE_ERROR,
            "nothing deleted: " + CheckpointCommand.plural(unreadable.size(), "part or lease")
                + " of " + root + " cannot be read, so what they need is unknown");
      }
      List<Location> doomed = shown.stream().map(o -> o.file().location()).toList();
      fs.deleteFiles(doomed);
      out.printf("deleted %s, %s%n", CheckpointCommand.plural(doomed.size(), "file"), Text.size(bytes));
    }
    return AloftCli.OK;
  }

  /**
   * Every file a part in the root lists or a lease names (its inherited files, and the files of the
   * parts it retains); what cannot be read is added to {@code unreadable}.
   */
  static Set<Location> needed(Checkpoints.Root r, List<String> unreadable) {
    Set<Location> needed = new HashSet<>();
    for (Checkpoints.Checkpoint c : r.checkpoints().values()) {
      for (Checkpoints.Part p : c.parts()) {
        needed.addAll(p.files(r.location()));
      }
      c.unreadable().forEach(u -> unreadable.add(u.problem()));
    }
    for (Checkpoints.LeaseFile lf : r.leases()) {
      if (lf.lease().isEmpty()) {
        unreadable.add(lf.problem());
        continue;
      }
      Lease lease = lf.lease().get();
      lease.inherited().forEach(f -> needed.add(r.location().resolve(f)));
      // A retained part is in the listing (its files are above) unless it is gone, and then it needs nothing.
    }
    return needed;
  }

  /**
   * Whether {@code file} holds state (may be listed by a part): below {@code shared/}, or in a {@code
   * chk-<id>/} directory but not one of its parts, tombstones or holds.
   */
  static boolean isStateFile(Location root, Location file) {
    String[] path = file.relativeTo(root).split("/");
    if (path.length < 2) {
      return false;
    }
    if (path[0].equals("shared")) {
      return true;
    }
    if (Checkpoints.idOf(root.resolve(path[0])).isEmpty()) {
      return false;
    }
    String name = file.fileName();
    return path.length > 2
        || !(name.endsWith(InstanceCheckpoint.SUFFIX)
            || name.endsWith(CheckpointRoot.TOMBSTONE_SUFFIX)
            || name.endsWith(CheckpointRoot.HOLD_SUFFIX));
  }

  /**
   * How long ago the store says the file was written; empty when it keeps no time, or the file went
   * since the listing (an orphan of unknown age is never deleted).
   */
  private static Optional<Duration> age(StateFileSystem fs, Location file, Instant now) throws IOException {
    try {
      return fs.lastModified(file).map(modified -> Duration.between(modified, now));
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
