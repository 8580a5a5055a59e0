package io.aloft.cli;

import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.manifest.ManifestFile;
import io.aloft.engine.lsm.manifest.Version;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aloft manifest}: a tree's manifest. */
@Command(
    name = "manifest",
    description = "Reads a tree's manifest (docs/format.md, \"Manifest format\").",
    subcommands = ManifestCommand.Show.class)
final class ManifestCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    return AloftCli.missingCommand(spec);
  }

  /** {@code aloft manifest show PATH}. */
  @Command(
      name = "show",
      description = {
        "Prints a tree's manifest: its live files by level.",
        "Prints a manifest: the tree's id, next file number and last sequence number, its metadata (the"
            + " table of each state), and its live SST files by level with their size, sequence numbers,"
            + " key groups, entries and key range.",
        "A manifest lives in the tree's local working directory (state.backend.forst.local-dir, one"
            + " directory per instance while it runs; aloft bench --keep leaves one too)."
      })
  static final class Show implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", converter = Locations.class,
        description = "The MANIFEST file, or the directory holding it (local).")
    private Location path;

    @Override
    public Integer call() throws IOException {
      if (!path.scheme().equals("file")) {
        throw new CliException(AloftCli.STORE_ERROR,
            path + ": a manifest lives in a tree's local directory; give a local path");
      }
      Path given = Locations.localPath(path);
      Path dir = Files.isDirectory(given) ? given : given.getParent();
      if (!Files.isDirectory(given) && !given.getFileName().toString().equals(ManifestFile.NAME)) {
        throw new CliException(AloftCli.STORE_ERROR,
            given + " is not a manifest: expected a file named " + ManifestFile.NAME + " or a directory holding one");
      }
      ManifestFile.State state = ManifestFile.read(dir);
      if (state == null) {
        throw new CliException(AloftCli.STORE_ERROR, "no " + ManifestFile.NAME + " in " + dir);
      }
      print(spec.commandLine().getOut(), dir.resolve(ManifestFile.NAME), state);
      return AloftCli.OK;
    }
  }

  static void print(PrintWriter out, Path file, ManifestFile.State state) {
    StoredKeys keys = StoredKeys.ofManifest(state.metadata());
    if (keys.tableNames().isEmpty()) {
      keys = StoredKeys.raw(); // not a forst tree's manifest (no tables): its keys have no known layout
    }
    Version version = state.version();
    List<FileMeta> all = version.allFiles();
    long bytes = all.stream().mapToLong(FileMeta::size).sum();
    out.printf("manifest %s%n", file);
    out.printf("  tree               %s (its files are named %s-<number>.sst)%n", state.dbId(), state.dbId());
    out.printf("  next file number   %s%n", Text.count(state.nextFileNumber()));
    out.printf("  last sequence      %s%n", Text.count(state.lastSeq()));
    out.printf("  live files         %s, %s%n", Text.count(all.size()), Text.size(bytes));
    if (keys.tableNames().isEmpty()) {
      out.println("  (no table ids in the metadata: keys are shown as stored)");
    }
    if (!state.metadata().isEmpty()) {
      out.println();
      out.println("metadata");
      for (Map.Entry<String, String> e : state.metadata().entrySet()) {
        out.printf("  %s = %s%n", e.getKey(), e.getValue());
      }
    }
    for (int level = 0; level < Version.LEVELS; level++) {
      List<FileMeta> files = version.level(level);
      if (files.isEmpty()) {
        continue;
      }
      out.println();
      out.printf("level %d: %s, %s%s%n", level, CheckpointCommand.plural(files.size(), "file"),
          Text.size(version.levelBytes(level)),
          level == 0 ? " (newest first; may overlap)" : "");
      for (FileMeta f : files) {
        printFile(out, "  ", f, f.name(), keys);
      }
    }
  }

  /** One file of a level: name, size, sequence numbers, key groups, entries, key range. */
  static void printFile(PrintWriter out, String indent, FileMeta f, String name, StoredKeys keys) {
    String more = " ".repeat(indent.length());
    out.printf("%s%s  %s  seq %s..%s  key groups %d..%d%s  %s entries%s%n",
        indent, name, Text.size(f.size()), Text.count(f.minSeq()), Text.count(f.maxSeq()),
        f.minKeyGroup(), f.maxKeyGroup(),
        f.isClipped() ? " (visible " + f.visibleFirstKeyGroup() + ".." + f.visibleLastKeyGroup() + ")" : "",
        Text.count(f.entryCount()),
        f.rangeTombstoneCount() > 0 ? ", " + Text.count(f.rangeTombstoneCount()) + " range tombstones" : "");
    out.printf("%s  from %s%n", more, keys.describe(f.smallestKey()));
    out.printf("%s  to   %s%n", more, keys.describe(f.largestKey()));
  }
}
