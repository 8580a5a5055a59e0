package io.aloft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.KeyedProcessor;
import io.aloft.samples.Click;
import io.aloft.samples.WindowCount;
import io.aloft.samples.WindowedClickCounts;
import io.aloft.serde.Serializers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aloft sst dump} on the sample's SST files, and {@code aloft manifest show} on a live tree's manifest. */
class SstAndManifestCliTest {

  private static Path anSst() throws IOException {
    return SampleOutput.sstFiles(SampleOutput.root().resolve("shared/clickstream-0of3")).get(0);
  }

  @Test
  void dumpPrintsFooterPropertiesFilterIndexAndEntries() throws IOException {
    Path sst = anSst();
    Cli cli = Cli.run("sst", "dump", sst);

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out())
        .containsPattern("SST file file://" + sst + ": [0-9,]+ bytes .*, format version 2")
        .contains("footer", "tail ", "index block ", "filter block ", "properties block ")
        .containsPattern("entries +[0-9,]+ \\([0-9,]+ deletes\\)")
        .containsPattern("key groups +\\d+\\.\\.\\d+")
        .contains("filter: Bloom, cache-local (64-byte lines)")
        .containsPattern("index: \\d+ data blocks")
        .containsPattern("(?m)^  block 0 +offset 0 ")
        // The sample's root names the tables: the parts that list the file are found on their own.
        .contains("tables             0 __aloft_timers__, 1 __aloft_processing_timers__, 2 clicks-per-window,"
            + " 3 total-clicks")
        .containsPattern("(?m)^  (PUT|DELETE) +seq [0-9,]+ +group \\d+, __aloft_timers__ \\(table 0\\): timer at \\d+,"
            + " key \"\\\\x0[678]user-\\d+\"")
        .contains("100 entries shown; more follow");
  }

  @Test
  void dumpNamesTablesFromTheCheckpointAndDecodesTimerRows() throws IOException {
    Path sst = anSst();
    Cli cli = Cli.run("sst", "dump", "--no-index", "--all",
        "--tables", SampleOutput.newest(SampleOutput.root()), sst);

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out())
        .doesNotContain("index: ")
        .containsPattern("__aloft_timers__ \\(table 0\\): timer at \\d+, key \"\\\\x0[678]user-\\d+\" = 0x01")
        .containsPattern("clicks-per-window \\(table 2\\): key \"\\\\x0[678]user-\\d+\", user key 0x[0-9a-f]{16}"
            + "( = 0x[0-9a-f]{16})?")
        .containsPattern("total-clicks \\(table 3\\): key \"\\\\x0[678]user-\\d+\" = 0x[0-9a-f]{16}")
        .doesNotContain("more follow");
  }

  @Test
  void fromToAndLimitSelectEntries() throws IOException {
    Path sst = anSst();
    // Stored keys start with the key group (2 bytes) and the table (2 bytes): table 3 of group 0 on.
    Cli some = Cli.run("sst", "dump", "--no-index", "--from", "0x00000003", "--to", "0x0001", "--limit", "3", sst);
    assertThat(some.exitCode()).as(some.toString()).isZero();
    assertThat(some.out()).contains("entries from 0x00000003 below 0x0001");
    List<String> entries = some.out().lines().filter(l -> l.matches("  (PUT|DELETE) .*")).toList();
    assertThat(entries).hasSizeBetween(1, 3).allMatch(l -> l.contains("group 0, total-clicks (table 3):"));

    Cli raw = Cli.run("sst", "dump", "--raw", "--no-index", "--limit", "1", sst);
    assertThat(raw.out()).contains("tables             (keys shown as stored: --raw)")
        .containsPattern("(?m)^  (PUT|DELETE) +seq [0-9,]+ +0x0000");

    Cli none = Cli.run("sst", "dump", "--limit", "0", sst);
    assertThat(none.out()).doesNotContain("entries shown");

    Cli bad = Cli.run("sst", "dump", "--from", "0xZZ", sst);
    assertThat(bad.exitCode()).isEqualTo(AloftCli.USAGE);
    assertThat(bad.err()).contains("--from: '0xZZ' is not hex");
  }

  @Test
  void manifestShowPrintsALiveTreesLevelsWithItsStates(@TempDir Path dir) throws Exception {
    Config config = Config.of(Map.of(
        "state.backend.type", "forst",
        "execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString(),
        "state.backend.forst.local-dir", dir.resolve("local").toString(),
        "state.backend.forst.writebuffer.size", "64kb"));
    try (Aloft aloft = Aloft.create(config);
        KeyedProcessor<String, Click, WindowCount> processor =
            aloft.keyedProcessor(new WindowedClickCounts(60_000))
                .name("clickstream")
                .keySelector(Click::user)
                .keySerializer(Serializers.STRING)
                .output(w -> {})
                .build()) {
      for (int i = 0; i < 5_000; i++) {
        processor.processElement(new Click("user-" + i % 50, "/", i * 30L), i * 30L);
      }
      processor.checkpoint(1);
      Path manifest;
      try (Stream<Path> files = Files.walk(dir.resolve("local"))) {
        manifest = files.filter(f -> f.getFileName().toString().equals("MANIFEST")).findFirst().orElseThrow();
      }

      Cli cli = Cli.run("manifest", "show", manifest);

      assertThat(cli.exitCode()).as(cli.toString()).isZero();
      assertThat(cli.out())
          .contains("manifest " + manifest)
          .containsPattern("tree +[0-9a-f-]{36}")
          .containsPattern("live files +[1-9]\\d*, ")
          .contains("table.clicks-per-window = ", "table.total-clicks = ")
          .containsPattern("level \\d: \\d+ files?, ")
          .containsPattern("from group \\d+, (__aloft_timers__|clicks-per-window|total-clicks) \\(table \\d\\)");
      // A directory names the MANIFEST inside it. Only the header is compared: the tree is live, and a
      // background flush or compaction may change its levels between the two reads.
      Cli byDirectory = Cli.run("manifest", "show", manifest.getParent());
      assertThat(byDirectory.exitCode()).as(byDirectory.toString()).isZero();
      assertThat(byDirectory.out().lines().limit(2)).containsExactlyElementsOf(cli.out().lines().limit(2).toList());
    }
  }

  @Test
  void manifestShowRefusesWhatIsNotAManifest(@TempDir Path dir) throws IOException {
    Cli empty = Cli.run("manifest", "show", dir);
    assertThat(empty.exitCode()).isEqualTo(AloftCli.STORE_ERROR);
    assertThat(empty.err()).contains("no MANIFEST in " + dir);

    Path other = Files.writeString(dir.resolve("notes.txt"), "x");
    Cli wrongName = Cli.run("manifest", "show", other);
    assertThat(wrongName.err()).contains(other + " is not a manifest");

    Path bad = Files.write(dir.resolve("MANIFEST"), new byte[40]);
    Cli corrupt = Cli.run("manifest", "show", bad);
    assertThat(corrupt.exitCode()).isEqualTo(AloftCli.STORE_ERROR);
    assertThat(corrupt.err()).contains("manifest " + bad + " is corrupt");

    Cli remote = Cli.run("manifest", "show", "s3://bucket/MANIFEST");
    assertThat(remote.exitCode()).isEqualTo(AloftCli.STORE_ERROR);
    assertThat(remote.err()).contains("give a local path");
  }
}
