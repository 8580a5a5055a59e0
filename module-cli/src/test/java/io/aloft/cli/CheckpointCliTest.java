package io.aloft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every {@code aloft checkpoint} command on the clickstream sample's output. */
class CheckpointCliTest {

  @Test
  void listShowsEveryCheckpointCompleteWithItsPartsKeyGroupsAndFiles() {
    Path root = SampleOutput.root();
    Cli cli = Cli.run("checkpoint", "list", root);

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out()).contains("checkpoint root " + root.toUri().toString().replaceAll("/$", ""));
    for (Path chk : SampleOutput.checkpoints(root)) {
      assertThat(cli.out()).containsPattern("(?m)^" + chk.getFileName() + "  complete  \\d+ files");
    }
    // The restored job's three instances, each with its key groups, and the input position.
    assertThat(cli.out())
        .contains("clickstream-0of3", "[0, 42]", "clickstream-1of3", "[43, 85]", "clickstream-2of3", "[86, 127]")
        .contains("forst")
        .contains("input position 200000")
        .containsPattern("\\d+ shared with another checkpoint \\(.*\\), \\d+ private")
        .contains("leases (instances/<run>/lease): 3");
  }

  @Test
  void listOfAnEmptyDirectoryIsNotACheckpointRoot(@org.junit.jupiter.api.io.TempDir Path dir) {
    Cli cli = Cli.run("checkpoint", "list", dir);

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(AloftCli.STORE_ERROR);
    assertThat(cli.err()).contains(dir.toString()).contains("not a checkpoint root");
  }

  @Test
  void showPrintsEachPartWithItsStatesTablesAndFilesByLevel() {
    Path chk = SampleOutput.newest(SampleOutput.root());
    Cli cli = Cli.run("checkpoint", "show", chk);

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out())
        .contains("checkpoint " + chk.getFileName().toString().substring(4) + " at ")
        .contains(": complete")
        .contains("clickstream: 3 parts cover key groups 0..127")
        .contains("input position 200000")
        .contains("part clickstream-0of3.meta", "part clickstream-1of3.meta", "part clickstream-2of3.meta")
        .contains("clicks-per-window: MAP with serializers")
        .contains("total-clicks: VALUE with serializers")
        .containsPattern("tables +0 __aloft_timers__, 1 __aloft_processing_timers__, 2 clicks-per-window, 3 total-clicks")
        .containsPattern("L\\d  shared/clickstream-\\d+of\\d/[0-9a-f-]+-\\d+\\.sst")
        // keys taken apart: the timers' time and key, the states' key (a STRING: varint length, UTF-8)
        .containsPattern("from group \\d+, __aloft_timers__ \\(table 0\\): timer at \\d+, key \"\\\\x0[678]user-\\d+\"")
        .containsPattern("to +group \\d+, total-clicks \\(table 3\\): key \"\\\\x0[678]user-\\d+\"");
  }

  @Test
  void showOfTheRootInsteadOfACheckpointSaysWhatItExpects() {
    Path root = SampleOutput.root();
    Cli cli = Cli.run("checkpoint", "show", root);

    assertThat(cli.exitCode()).isEqualTo(AloftCli.STORE_ERROR);
    assertThat(cli.err()).contains("is not a checkpoint directory: expected <checkpoint root>/chk-<id>");
    assertThat(cli.err()).doesNotContain("\tat "); // no stack trace without --verbose
  }

  @Test
  void showOfADirectoryWithoutPartsSaysSo(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path chk = Files.createDirectories(dir.resolve("chk-9"));
    Cli cli = Cli.run("checkpoint", "show", chk);

    assertThat(cli.exitCode()).isEqualTo(AloftCli.STORE_ERROR);
    assertThat(cli.err()).contains(chk.toString()).contains("holds no checkpoint part");
  }

  @Test
  void verifyOfTheSampleCheckpointFindsNothingWrong() {
    Path newest = SampleOutput.newest(SampleOutput.root());
    for (Path chk : SampleOutput.checkpoints(SampleOutput.root())) {
      Cli cli = Cli.run("checkpoint", "verify", chk);

      // The sample's first run has two instances, the restored one three; which of their checkpoints
      // are retained depends on how many the restored run completed before it ended.
      String parts = chk.equals(newest) ? "3" : "[23]";
      assertThat(cli.exitCode()).as(cli.toString()).isZero();
      assertThat(cli.out())
          .containsPattern("verifying checkpoint \\d+ at .*: " + parts + " parts, \\d+ files")
          .containsPattern("OK: \\d+ files, .* every file is there, every block's checksum holds, and the"
              + " checkpoint is complete")
          .doesNotContain("BAD");
    }
  }

  @Test
  void verifyReadsFilesInParallelWithAnyNumberOfThreads() {
    Path chk = SampleOutput.newest(SampleOutput.root());

    assertThat(Cli.run("checkpoint", "verify", "--threads", "1", chk).exitCode()).isZero();
    assertThat(Cli.run("checkpoint", "verify", "--threads", "16", chk).exitCode()).isZero();
    Cli none = Cli.run("checkpoint", "verify", "--threads", "0", chk);
    assertThat(none.exitCode()).isEqualTo(AloftCli.USAGE);
    assertThat(none.err()).contains("--threads must be at least 1");
  }

  @Test
  void diffOfTheTwoRetainedCheckpointsNamesFilesAddedRemovedAndShared() {
    List<Path> chks = SampleOutput.checkpoints(SampleOutput.root());
    assertThat(chks).as("the sample retains two checkpoints").hasSizeGreaterThanOrEqualTo(2);
    Path older = chks.get(0);
    Path newer = chks.get(chks.size() - 1);
    Cli cli = Cli.run("checkpoint", "diff", older, newer);

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out())
        .containsPattern("A .*" + older.getFileName() + ": complete, \\d+ files")
        .containsPattern("B .*" + newer.getFileName() + ": complete, \\d+ files")
        .containsPattern("removed \\(only A lists them\\): \\d+ files")
        .containsPattern("added \\(only B lists them\\): [1-9]\\d* files")
        .containsPattern("shared \\(both list them\\): \\d+ files")
        .containsPattern("(?m)^  \\+ shared/clickstream-\\d+of\\d/[0-9a-f-]+-\\d+\\.sst  [0-9.]+ (B|KiB|MiB)$");

    Cli same = Cli.run("checkpoint", "diff", "--brief", newer, newer);
    assertThat(same.out())
        .contains("removed (only A lists them): 0 files")
        .contains("added (only B lists them): 0 files")
        .doesNotContain("  = ");
  }

  @Test
  void orphansOfTheSampleRootAreNone() {
    Cli cli = Cli.run("checkpoint", "orphans", SampleOutput.root());

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out()).contains(": 0 files, 0 B (no part and no lease in the root names them)");
  }

  @Test
  void aFileUriWorksAsWellAsAPath() {
    Path chk = SampleOutput.newest(SampleOutput.root());
    Cli cli = Cli.run("checkpoint", "verify", chk.toUri().toString());

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
  }
}
