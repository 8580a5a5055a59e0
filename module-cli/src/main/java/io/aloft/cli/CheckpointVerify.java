package io.aloft.cli;

import io.aloft.engine.checkpoint.CheckpointStore;
import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.manifest.FileMeta;
import io.aloft.engine.lsm.sst.SstIterator;
import io.aloft.engine.lsm.sst.SstProperties;
import io.aloft.engine.lsm.sst.SstReader;
import io.aloft.engine.progress.Progress;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aloft checkpoint verify CHK}. */
@Command(
    name = "verify",
    description = {
      "Checks that a checkpoint can be restored and that every file it lists is there and sound.",
      "Checks that a checkpoint can be restored: each processor's parts pass the checks a restore makes"
          + " (readable, complete, naming only files a part may name, not being discarded), every file the"
          + " parts list is in storage with the size recorded for it, and every SST file reads whole —"
          + " footer, tail blocks and every data block with its checksum and entries — agreeing with what"
          + " the part recorded of it. Files are read in parallel (--threads).",
      "Progress: a bar on a terminal; otherwise a log line (files and bytes done of the total) every"
          + " 5 seconds on standard error. Each bad file is named on standard output: BAD <location>: why."
    })
final class CheckpointVerify implements Callable<Integer> {
  /** Read-ahead of one SST's sequential read: a few requests per file, as compaction reads. */
  private static final int READAHEAD_BYTES = 4 << 20;

  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CHK", converter = Locations.class,
      description = "The checkpoint directory, <root>/chk-<id>: a URI or a local path.")
  private Location checkpoint;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "4",
      description = "Files read at once (default: ${DEFAULT-VALUE}).")
  private int threads;

  /** A bad file or part, and why. */
  record Problem(Location subject, String why) {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (threads < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1: " + threads);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Stores stores = AloftCli.of(spec).openStores()) {
      StateFileSystem fs = stores.of(checkpoint);
      Checkpoints.Checkpoint c = Checkpoints.read(fs, checkpoint);
      List<Problem> problems = new ArrayList<>();
      for (Checkpoints.UnreadablePart u : c.unreadable()) {
        problems.add(new Problem(u.location(), u.problem()));
      }
      // What a restore checks before it uses anything: the engine's own check, per processor.
      c.problems().forEach((processor, problem) -> {
        boolean unreadable = c.unreadable().stream().anyMatch(u -> u.processor().equals(processor));
        if (!unreadable) {
          try {
            CheckpointStore.readComplete(fs, checkpoint, processor);
          } catch (IOException e) {
            problems.add(new Problem(checkpoint, processor + ": " + e.getMessage()));
          }
        }
      });

      Map<Location, List<Checkpoints.Part>> files = c.files();
      Map<Location, FileMeta> recorded = new java.util.HashMap<>();
      for (Checkpoints.Part part : c.parts()) {
        try {
          part.forst().ifPresent(snapshot -> snapshot.levels().forEach(level -> level.forEach(
              f -> recorded.putIfAbsent(c.root().resolve(f.name()), f))));
        } catch (IOException e) {
          problems.add(new Problem(part.location(), e.getMessage()));
        }
      }
      Map<Location, Long> lengths = Checkpoints.lengths(fs, files.keySet());
      long bytesTotal = files.keySet().stream().mapToLong(f -> lengths.getOrDefault(f, 0L)).sum();
      out.printf("verifying checkpoint %d at %s: %s parts, %s files, %s%n",
          c.id(), c.dir(), Text.count(c.parts().size() + c.unreadable().size()), Text.count(files.size()),
          Text.size(bytesTotal));
      out.flush();

      Consumer<Progress.Snapshot> bar = null;
      if (Terminal.isInteractive()) {
        Terminal.progressShownByBar();
        bar = new ProgressBar(spec.commandLine().getErr(), System::nanoTime);
      }
      Progress progress =
          Progress.start("verify of checkpoint " + c.id(), files.size(), bytesTotal, bar);
      List<Future<Problem>> checks = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "aloft-verify");
        t.setDaemon(true);
        return t;
      });
      try {
        for (Location file : files.keySet()) {
          Long length = lengths.get(file);
          if (length == null) {
            problems.add(new Problem(file, "missing from storage (listed by " + listers(files.get(file)) + ")"));
            progress.advance(1, 0);
            continue;
          }
          FileMeta meta = recorded.get(file);
          checks.add(pool.submit(() -> {
            try {
              return check(fs, file, length, meta);
            } finally {
              progress.advance(1, length);
            }
          }));
        }
        for (Future<Problem> check : checks) {
          Problem p = check.get();
          if (p != null) {
            problems.add(p);
          }
        }
      } catch (ExecutionException | RuntimeException | InterruptedException e) {
        progress.fail(); // logs where it stopped if it ran long
        if (bar != null) {
          spec.commandLine().getErr().println(); // end the bar's line before the error
        }
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        if (e instanceof RuntimeException r) {
          throw r;
        }
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        throw new CliException(AloftCli.INTERNAL_ERROR, "verification failed: " + cause, cause);
      } finally {
        pool.shutdownNow();
      }
      Progress.Snapshot done = progress.finish();

      problems.sort(java.util.Comparator.comparing(p -> p.subject().toString()));
      for (Problem p : problems) {
        out.printf("BAD %s: %s%n", p.subject(), p.why());
      }
      if (problems.isEmpty()) {
        out.printf("OK: %s files, %s in %.1f s: every file is there, every block's checksum holds, and the"
                + " checkpoint is complete%n",
            Text.count(files.size()), Text.size(bytesTotal), done.elapsed().toMillis() / 1000.0);
        return AloftCli.OK;
      }
      out.printf("%s found in checkpoint %d (%s files checked)%n",
          CheckpointCommand.plural(problems.size(), "problem"), c.id(), Text.count(files.size()));
      return AloftCli.PROBLEMS_FOUND;
    }
  }

  /** Reads one file that is in storage; the problem with it, or null when it is sound. */
  private static Problem check(StateFileSystem fs, Location file, long length, FileMeta recorded) {
    if (recorded == null) {
      return null; // not an SST of forst's (rocksdb's, hashmap's files): being there is what can be checked
    }
    if (recorded.size() != length) {
      return new Problem(file, length + " bytes in storage, the checkpoint recorded " + recorded.size());
    }
    try (SstReader reader = SstReader.open(fs.newInputFile(file, length), 0, BlockCache.none())) {
      SstProperties p = reader.properties();
      String differs = differs(p, recorded);
      if (differs != null) {
        return new Problem(file, "the file's properties disagree with the checkpoint: " + differs);
      }
      long entries = 0;
      try (SstIterator it = reader.sequentialIterator(READAHEAD_BYTES)) {
        for (it.seekToFirst(); it.valid(); it.next()) {
          entries++;
        }
      }
      if (entries != p.entryCount()) {
        return new Problem(file, entries + " entries read, its properties say " + p.entryCount());
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return new Problem(file, e.getMessage() != null ? e.getMessage() : e.toString());
    }
  }

  /** Which of what the checkpoint recorded of a file its own properties contradict, or null. */
  private static String differs(SstProperties p, FileMeta f) {
    List<String> d = new ArrayList<>();
    if (p.entryCount() != f.entryCount()) {
      d.add("entries " + p.entryCount() + " vs " + f.entryCount());
    }
    if (p.rangeTombstoneCount() != f.rangeTombstoneCount()) {
      d.add("range tombstones " + p.rangeTombstoneCount() + " vs " + f.rangeTombstoneCount());
    }
    if (p.minSeq() != f.minSeq() || p.maxSeq() != f.maxSeq()) {
      d.add("sequence numbers " + p.minSeq() + ".." + p.maxSeq() + " vs " + f.minSeq() + ".." + f.maxSeq());
    }
    if (p.minKeyGroup() != f.minKeyGroup() || p.maxKeyGroup() != f.maxKeyGroup()) {
      d.add("key groups " + p.minKeyGroup() + ".." + p.maxKeyGroup() + " vs " + f.minKeyGroup() + ".." + f.maxKeyGroup());
    }
    if (!Arrays.equals(p.smallestKey(), f.smallestKey()) || !Arrays.equals(p.largestKey(), f.largestKey())) {
      d.add("key range");
    }
    return d.isEmpty() ? null : String.join(", ", d);
  }

  private static String listers(List<Checkpoints.Part> parts) {
    return String.join(", ", parts.stream().map(p -> p.location().fileName()).toList());
  }
}
