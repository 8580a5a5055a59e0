package io.aloft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.checkpoint.InstanceCheckpoint;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on damaged copies of the sample's output: each names what is wrong, and exits so. */
class CorruptedCheckpointCliTest {
  @TempDir Path dir;

  /** A file the newest checkpoint's first part lists, in the copy {@code root}. */
  private static Path listedFile(Path root, int index) throws IOException {
    Path chk = root.resolve(SampleOutput.newest(SampleOutput.root()).getFileName().toString());
    Location partFile = Location.of(chk.resolve("clickstream-0of3.meta").toString());
    try (Stores stores = new Stores(Config.empty())) {
      InstanceCheckpoint part = InstanceCheckpoint.read(stores.of(partFile), partFile);
      return root.resolve(part.files().get(index));
    }
  }

  private static Path newest(Path root) {
    return root.resolve(SampleOutput.newest(SampleOutput.root()).getFileName().toString());
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x40);
    }
  }

  @Test
  void aFlippedByteInADataBlockFailsVerifyNamingTheFileAndTheBlock() throws IOException {
    Path root = SampleOutput.copy(dir);
    Path sst = listedFile(root, 0);
    flipByte(sst, 10); // data block 0 starts at offset 0

    Cli cli = Cli.run("checkpoint", "verify", newest(root));

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(AloftCli.PROBLEMS_FOUND);
    assertThat(cli.out())
        .containsPattern("(?m)^BAD " + java.util.regex.Pattern.quote(Location.of(sst.toString()).toString())
            + ": .*(offset 0|checksum|corrupt)")
        .contains("1 problem found in checkpoint");
  }

  @Test
  void aFlippedByteMakesSstDumpFailNamingTheFile() throws IOException {
    Path root = SampleOutput.copy(dir);
    Path sst = listedFile(root, 0);
    flipByte(sst, 10);

    Cli cli = Cli.run("sst", "dump", "--all", sst);

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(AloftCli.STORE_ERROR);
    assertThat(cli.err()).contains(sst.toString()).doesNotContain("\tat ");
    Cli verbose = Cli.run("sst", "dump", "--all", "--verbose", sst);
    assertThat(verbose.err()).contains("SstCorruptionException").contains("\tat ");
  }

  @Test
  void aDeletedFileFailsVerifyNamingTheFileAndThePartThatListsIt() throws IOException {
    Path root = SampleOutput.copy(dir);
    Path sst = listedFile(root, 1);
    Files.delete(sst);

    Cli cli = Cli.run("checkpoint", "verify", newest(root));

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(AloftCli.PROBLEMS_FOUND);
    assertThat(cli.out()).contains(
        "BAD " + Location.of(sst.toString()) + ": missing from storage (listed by clickstream-0of3.meta)");
    Cli show = Cli.run("checkpoint", "show", newest(root));
    assertThat(show.exitCode()).isZero();
    assertThat(show.out()).contains("(1 MISSING from storage)");
  }

  @Test
  void aTruncatedPartIsAClearErrorNamingIt() throws IOException {
    Path root = SampleOutput.copy(dir);
    Path part = newest(root).resolve("clickstream-1of3.meta");
    byte[] bytes = Files.readAllBytes(part);
    Files.write(part, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    Cli show = Cli.run("checkpoint", "show", newest(root));
    assertThat(show.exitCode()).as(show.toString()).isEqualTo(AloftCli.STORE_ERROR);
    assertThat(show.err()).contains("aloft: checkpoint metadata " + Location.of(part.toString()))
        .doesNotContain("\tat ");

    Cli verify = Cli.run("checkpoint", "verify", newest(root));
    assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(AloftCli.PROBLEMS_FOUND);
    assertThat(verify.out()).contains("BAD " + Location.of(part.toString()) + ": checkpoint metadata");

    Cli list = Cli.run("checkpoint", "list", root);
    assertThat(list.exitCode()).isZero();
    assertThat(list.out()).containsPattern(newest(root).getFileName() + "  unreadable")
        .contains("clickstream-1of3.meta: cannot be read");
  }

  @Test
  void aMissingPartMakesTheCheckpointIncompleteAndVerifyNamesTheKeyGroups() throws IOException {
    Path root = SampleOutput.copy(dir);
    Files.delete(newest(root).resolve("clickstream-1of3.meta"));

    Cli verify = Cli.run("checkpoint", "verify", newest(root));

    assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(AloftCli.PROBLEMS_FOUND);
    assertThat(verify.out()).contains("is incomplete: no part covers key groups [43, 85]");
  }

  @Test
  void aNonSstFileGivenToSstDumpIsNamed() {
    Path part = SampleOutput.newest(SampleOutput.root()).resolve("clickstream-0of3.meta");

    Cli cli = Cli.run("sst", "dump", part);

    assertThat(cli.exitCode()).isEqualTo(AloftCli.STORE_ERROR);
    assertThat(cli.err()).contains(part.toString()).contains("not an Aloft SST file");
  }

  @Test
  void orphansFindsAPlantedFileAndDeletesOnlyOldUnreferencedOnes() throws IOException {
    Path root = SampleOutput.copy(dir);
    Instant threeHoursAgo = Instant.now().minus(Duration.ofHours(3));
    // Every file old: age alone must never make a referenced file an orphan.
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(f, FileTime.from(threeHoursAgo));
      }
    }
    Path old = root.resolve("shared/clickstream-0of3/planted-old.sst");
    Files.writeString(old, "left by a run that died");
    Files.setLastModifiedTime(old, FileTime.from(threeHoursAgo));
    Path young = root.resolve("shared/clickstream-1of3/planted-young.sst");
    Files.writeString(young, "a running job's newest flush");
    Path copy = root.resolve(newest(root).getFileName() + "/files/stray-copy.sst");
    Files.createDirectories(copy.getParent());
    Files.writeString(copy, "x");
    Files.setLastModifiedTime(copy, FileTime.from(threeHoursAgo));

    Cli list = Cli.run("checkpoint", "orphans", root);
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.out())
        .contains(": 3 files")
        .containsPattern("(?m)^  3 h 0 min +\\d+ B  shared/clickstream-0of3/planted-old.sst$")
        .containsPattern("(?m)^  \\d+ s +\\d+ B  shared/clickstream-1of3/planted-young.sst$")
        .contains(newest(root).getFileName() + "/files/stray-copy.sst");

    Cli refused = Cli.run("checkpoint", "orphans", "--delete", root);
    assertThat(refused.exitCode()).isEqualTo(AloftCli.USAGE);
    assertThat(refused.err()).contains("--delete needs --older-than DURATION");
    assertThat(old).exists();

    Cli badDuration = Cli.run("checkpoint", "orphans", "--delete", "--older-than", "an hour", root);
    assertThat(badDuration.exitCode()).isEqualTo(AloftCli.USAGE);
    assertThat(badDuration.err()).contains("--older-than").contains("an hour");

    Cli deleted = Cli.run("checkpoint", "orphans", "--delete", "--older-than", "1 h", root);
    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    assertThat(deleted.out()).contains("at least 1 h old: 2 files").contains("(1 more orphan younger)")
        .contains("deleted 2 files");
    assertThat(old).doesNotExist();
    assertThat(copy).doesNotExist();
    assertThat(young).exists();
    for (Path chk : SampleOutput.checkpoints(root)) {
      Cli verify = Cli.run("checkpoint", "verify", chk);
      assertThat(verify.exitCode()).as(verify.toString()).isZero();
    }
  }

  @Test
  void orphansDeletesNothingWhenALeaseCannotBeRead() throws IOException {
    Path root = SampleOutput.copy(dir);
    Path old = root.resolve("shared/clickstream-0of3/planted-old.sst");
    Files.writeString(old, "left by a run that died");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
    Path lease;
    try (Stream<Path> files = Files.walk(root.resolve("instances"))) {
      lease = files.filter(f -> f.getFileName().toString().equals("lease")).findFirst().orElseThrow();
    }
    Files.write(lease, new byte[] {1, 2, 3});

    Cli cli = Cli.run("checkpoint", "orphans", "--delete", "--older-than", "1 h", root);

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(AloftCli.STORE_ERROR);
    assertThat(cli.out()).contains("cannot be read: lease " + Location.of(lease.toString()));
    assertThat(cli.err()).contains("nothing deleted");
    assertThat(old).exists();
  }

  @Test
  void everyCommandOnAMissingLocationNamesIt() {
    Path missing = dir.resolve("nowhere");
    for (List<String> command : List.of(
        List.of("checkpoint", "show"), List.of("checkpoint", "verify"), List.of("sst", "dump"))) {
      Object[] args = Stream.concat(command.stream(), Stream.of(missing.resolve("chk-1").toString())).toArray();
      Cli cli = Cli.run(args);
      assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(AloftCli.STORE_ERROR);
      assertThat(cli.err()).as(cli.toString()).contains(missing.resolve("chk-1").toString());
    }
  }
}
