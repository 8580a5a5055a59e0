package io.aloft.cli;

import io.aloft.engine.checkpoint.InstanceCheckpoint;
import io.aloft.engine.forst.ForStSnapshot;
import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.manifest.Version;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aloft checkpoint}: checkpoint roots and checkpoints (docs/checkpoints.md). */
@Command(
    name = "checkpoint",
    description = "Reads checkpoint roots and checkpoints (layout and formats: docs/checkpoints.md).",
    subcommands = {
      CheckpointCommand.ListCheckpoints.class,
      CheckpointCommand.Show.class,
      CheckpointVerify.class,
      CheckpointCommand.Diff.class,
      CheckpointOrphans.class
    })
final class CheckpointCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    return AloftCli.missingCommand(spec);
  }

  /** {@code aloft checkpoint list ROOT}. */
  @Command(
      name = "list",
      description = {
        "Lists a checkpoint root's checkpoints with their parts, files and sizes, and the runs' leases.",
        "Lists the checkpoints of a root (execution.checkpointing.dir): id, state (complete,"
            + " incomplete, discarding), the parts with their instance, key groups and backend, the files"
            + " each lists and their size — shared with another checkpoint of the root, or private to"
            + " this one (what discarding it would free) — and the runs' leases."
      })
  static final class ListCheckpoints implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ROOT", converter = Locations.class,
        description = "The checkpoint root: a URI or a local path.")
    private Location root;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (Stores stores = AloftCli.of(spec).openStores()) {
        Checkpoints.Root r = Checkpoints.readRoot(stores.of(root), root);
        if (r.files().isEmpty()) {
          throw new CliException(AloftCli.STORE_ERROR, root + " holds no files: not a checkpoint root");
        }
        print(out, r);
      }
      return AloftCli.OK;
    }

    static void print(PrintWriter out, Checkpoints.Root r) {
      Map<Location, Long> lengths = r.lengths();
      Map<Location, Set<Long>> listedBy = new HashMap<>();
      r.checkpoints().values().forEach(c ->
          c.files().keySet().forEach(f -> listedBy.computeIfAbsent(f, k -> new LinkedHashSet<>()).add(c.id())));
      long total = r.files().stream().mapToLong(e -> e.length()).sum();
      out.printf("checkpoint root %s: %s, %s, %s files (%s)%n",
          r.location(), plural(r.checkpoints().size(), "checkpoint"), plural(r.leases().size(), "lease"),
          Text.count(r.files().size()), Text.size(total));
      if (r.checkpoints().isEmpty()) {
        out.println("(no chk-<id> directory holds a part)");
      }
      for (Checkpoints.Checkpoint c : r.checkpoints().values()) {
        long files = 0;
        long bytes = 0;
        long shared = 0;
        long sharedBytes = 0;
        long missing = 0;
        for (Location f : c.files().keySet()) {
          Long length = lengths.get(f);
          files++;
          if (length == null) {
            missing++;
            continue;
          }
          bytes += length;
          if (listedBy.get(f).size() > 1) {
            shared++;
            sharedBytes += length;
          }
        }
        out.println();
        out.printf("chk-%d  %s  %s files, %s: %s shared with another checkpoint (%s), %s private (%s)%s%n",
            c.id(), c.state(), Text.count(files), Text.size(bytes), Text.count(shared), Text.size(sharedBytes),
            Text.count(files - shared - missing), Text.size(bytes - sharedBytes),
            missing > 0 ? "; " + Text.count(missing) + " MISSING" : "");
        c.problems().forEach((processor, problem) -> {
          if (problem != null) {
            out.printf("  %s %s%n", processor, problem);
          }
        });
        for (Checkpoints.Part p : c.parts()) {
          InstanceCheckpoint m = p.meta();
          long partBytes = p.files(r.location()).stream().mapToLong(f -> lengths.getOrDefault(f, 0L)).sum();
          out.printf("  %-24s %-12s %-8s %4d files %10s%s%s%n",
              m.instanceName(), range(m.keyGroupRange()), m.backendType(), m.files().size(), Text.size(partBytes),
              m.inputPosition() == InstanceCheckpoint.NO_POSITION ? "" : "  input position " + m.inputPosition(),
              p.discarded() ? "  (being discarded)" : "");
        }
        for (Checkpoints.UnreadablePart u : c.unreadable()) {
          out.printf("  %s: cannot be read: %s%n", u.location().fileName(), u.problem());
        }
        for (Location hold : c.holds()) {
          out.printf("  held by a restore from another root: %s%n", hold.fileName());
        }
      }
      if (!r.leases().isEmpty()) {
        out.println();
        out.printf("leases (instances/<run>/lease): %s; %s runs fenced, %s ended%n",
            Text.count(r.leases().size()), Text.count(r.runsMarked(io.aloft.engine.checkpoint.CheckpointRoot.FENCE)),
            Text.count(r.runsMarked(io.aloft.engine.checkpoint.CheckpointRoot.ENDED)));
        for (Checkpoints.LeaseFile lf : r.leases()) {
          String run = lf.location().parent().fileName();
          if (lf.lease().isEmpty()) {
            out.printf("  %s: cannot be read: %s%n", run, lf.problem());
            continue;
          }
          var lease = lf.lease().get();
          out.printf("  %s  %s  retains %s, inherits %s%n",
              run, range(lease.keyGroups()),
              lease.retained().isEmpty() ? "nothing"
                  : lease.retained().keySet().stream().map(id -> "chk-" + id).collect(Collectors.joining(", ")),
              plural(lease.inherited().size(), "file"));
        }
      }
    }
  }

  /** {@code aloft checkpoint show CHK}. */
  @Command(
      name = "show",
      description = {
        "Prints one checkpoint: whether it is complete, its parts, their states and files.",
        "Prints one checkpoint: whether it is complete, and each part — its run, backend, key groups,"
            + " input position, states and their serializers, and the files it lists (for forst by level,"
            + " with size, sequence numbers, key groups and key range)."
      })
  static final class Show implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CHK", converter = Locations.class,
        description = "The checkpoint directory, <root>/chk-<id>: a URI or a local path.")
    private Location checkpoint;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (Stores stores = AloftCli.of(spec).openStores()) {
        StateFileSystem fs = stores.of(checkpoint);
        Checkpoints.Checkpoint c = Checkpoints.read(fs, checkpoint);
        Map<Location, Long> lengths = Checkpoints.lengths(fs, c.files().keySet());
        print(out, c, lengths);
        if (!c.unreadable().isEmpty()) {
          throw new CliException(AloftCli.STORE_ERROR, c.unreadable().stream()
              .map(Checkpoints.UnreadablePart::problem).collect(Collectors.joining("; ")));
        }
      }
      return AloftCli.OK;
    }

    static void print(PrintWriter out, Checkpoints.Checkpoint c, Map<Location, Long> lengths) throws IOException {
      Location root = c.root();
      Map<Location, List<Checkpoints.Part>> files = c.files();
      long bytes = files.keySet().stream().mapToLong(f -> lengths.getOrDefault(f, 0L)).sum();
      long missing = files.keySet().stream().filter(f -> !lengths.containsKey(f)).count();
      out.printf("checkpoint %d at %s: %s%n", c.id(), c.dir(), c.state());
      c.problems().forEach((processor, problem) -> {
        if (problem == null) {
          List<Checkpoints.Part> parts = c.parts().stream().filter(p -> p.processor().equals(processor)).toList();
          out.printf("  %s: %s cover key groups 0..%d%n",
              processor, plural(parts.size(), "part"), parts.get(0).meta().maxParallelism() - 1);
        } else {
          out.printf("  %s: %s%n", processor, problem);
        }
      });
      Set<Long> positions = new LinkedHashSet<>();
      c.parts().forEach(p -> positions.add(p.meta().inputPosition()));
      positions.remove(InstanceCheckpoint.NO_POSITION);
      if (!positions.isEmpty()) {
        out.printf("  input position %s%n",
            positions.stream().map(String::valueOf).collect(Collectors.joining(", ")));
      }
      out.printf("  %s files, %s%s%n", Text.count(files.size()), Text.size(bytes),
          missing > 0 ? " (" + Text.count(missing) + " MISSING from storage)" : "");
      for (Location hold : c.holds()) {
        out.printf("  held by a restore from another root: %s%n", hold.fileName());
      }
      for (Checkpoints.Part p : c.parts()) {
        InstanceCheckpoint m = p.meta();
        out.println();
        out.printf("part %s (%s)%s%n", p.location().fileName(), Text.size(p.length()),
            p.discarded() ? " — being discarded" : "");
        out.printf("  run              %s%n", m.incarnation().isEmpty() ? "(not recorded: format 1)" : m.incarnation());
        out.printf("  backend          %s%n", m.backendType());
        out.printf("  key groups       %s of %d%n", range(m.keyGroupRange()), m.maxParallelism());
        if (m.inputPosition() != InstanceCheckpoint.NO_POSITION) {
          out.printf("  input position   %d%n", m.inputPosition());
        }
        String label = "  states           ";
        for (Map.Entry<String, String> s : m.stateFormats().entrySet()) {
          out.printf("%s%s: %s%n", label, s.getKey(), s.getValue());
          label = "                   ";
        }
        if (!m.timers().isEmpty()) {
          out.printf("  timers           %s in the part (format 2)%n", Text.count(m.timers().size()));
        }
        Optional<ForStSnapshot> forst = p.forst();
        List<Location> listed = p.files(root);
        long partBytes = listed.stream().mapToLong(f -> lengths.getOrDefault(f, 0L)).sum();
        if (forst.isPresent()) {
          ForStSnapshot s = forst.get();
          out.printf("  last sequence    %s%n", Text.count(s.lastSeq()));
          out.printf("  tables           %s%n", s.tableIds().entrySet().stream()
              .sorted(Map.Entry.comparingByValue())
              .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")));
        }
        out.printf("  files            %s, %s%n", Text.count(listed.size()), Text.size(partBytes));
        if (forst.isPresent()) {
          StoredKeys keys = StoredKeys.of(List.of(m));
          Set<Location> shown = new LinkedHashSet<>();
          for (int level = 0; level < Version.LEVELS; level++) {
            for (FileMeta f : forst.get().levels().get(level)) {
              Location where = root.resolve(f.name());
              shown.add(where);
              ManifestCommand.printFile(out, "    L" + level + "  ", f, f.name() + missing(lengths, where), keys);
            }
          }
          for (Location f : listed) {
            if (!shown.contains(f)) {
              out.printf("    %s  %s%n", f.relativeTo(root), size(lengths, f));
            }
          }
        } else {
          for (Location f : listed) {
            out.printf("    %s  %s%n", f.relativeTo(root), size(lengths, f));
          }
        }
      }
      for (Checkpoints.UnreadablePart u : c.unreadable()) {
        out.println();
        out.printf("part %s (%s): cannot be read: %s%n", u.location().fileName(), Text.size(u.length()), u.problem());
      }
    }

    private static String missing(Map<Location, Long> lengths, Location f) {
      return lengths.containsKey(f) ? "" : " (MISSING)";
    }

    private static String size(Map<Location, Long> lengths, Location f) {
      Long length = lengths.get(f);
      return length == null ? "MISSING" : Text.size(length);
    }
  }

  /** {@code aloft checkpoint diff A B}. */
  @Command(
      name = "diff",
      description = {
        "Compares the files two checkpoints list.",
        "Compares the files two checkpoints list: those only A lists (removed on the way to B), those"
            + " only B lists (added), and those both list (shared: written once, referenced by both)."
      })
  static final class Diff implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", converter = Locations.class, description = "The older checkpoint.")
    private Location a;

    @Parameters(index = "1", paramLabel = "B", converter = Locations.class, description = "The newer checkpoint.")
    private Location b;

    @Option(names = "--brief", description = "Print the counts and sizes only, not the files.")
    private boolean brief;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (Stores stores = AloftCli.of(spec).openStores()) {
        StateFileSystem fsA = stores.of(a);
        StateFileSystem fsB = stores.of(b);
        Checkpoints.Checkpoint ca = readable(Checkpoints.read(fsA, a));
        Checkpoints.Checkpoint cb = readable(Checkpoints.read(fsB, b));
        Set<Location> filesA = ca.files().keySet();
        Set<Location> filesB = cb.files().keySet();
        Map<Location, Long> lengths = new HashMap<>(Checkpoints.lengths(fsA, filesA));
        lengths.putAll(Checkpoints.lengths(fsB, filesB));
        List<Location> removed = new ArrayList<>(filesA);
        removed.removeAll(filesB);
        List<Location> added = new ArrayList<>(filesB);
        added.removeAll(filesA);
        List<Location> shared = new ArrayList<>(filesA);
        shared.retainAll(filesB);
        Location base = ca.root().equals(cb.root()) ? ca.root() : null;
        out.printf("A %s: %s, %s files%n", ca.dir(), ca.state(), Text.count(filesA.size()));
        out.printf("B %s: %s, %s files%n", cb.dir(), cb.state(), Text.count(filesB.size()));
        section(out, "removed (only A lists them)", '-', removed, lengths, base);
        section(out, "added (only B lists them)", '+', added, lengths, base);
        section(out, "shared (both list them)", '=', shared, lengths, base);
      }
      return AloftCli.OK;
    }

    private static Checkpoints.Checkpoint readable(Checkpoints.Checkpoint c) {
      if (!c.unreadable().isEmpty()) {
        throw new CliException(AloftCli.STORE_ERROR, c.unreadable().stream()
            .map(Checkpoints.UnreadablePart::problem).collect(Collectors.joining("; ")));
      }
      return c;
    }

    private void section(
        PrintWriter out, String title, char mark, List<Location> files, Map<Location, Long> lengths, Location base) {
      files.sort(java.util.Comparator.comparing(Location::toString));
      long bytes = files.stream().mapToLong(f -> lengths.getOrDefault(f, 0L)).sum();
      out.println();
      out.printf("%s: %s files, %s%n", title, Text.count(files.size()), Text.size(bytes));
      if (brief) {
        return;
      }
      for (Location f : files) {
        Long length = lengths.get(f);
        out.printf("  %c %s  %s%n", mark, base != null && f.isBelow(base) ? f.relativeTo(base) : f.toString(),
            length == null ? "MISSING" : Text.size(length));
      }
    }
  }

  static String range(KeyGroupRange r) {
    return "[" + r.startKeyGroup() + ", " + r.endKeyGroup() + "]";
  }

  static String plural(long n, String what) {
    return Text.count(n) + " " + what + (n == 1 ? "" : what.endsWith("sh") ? "es" : "s");
  }
}
