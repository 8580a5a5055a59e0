package io.aloft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aloft bench}: db_bench's lines, on a local directory and on a store given by URI. */
class BenchCliTest {

  @Test
  void everyBenchmarkPrintsDbBenchsLine() {
    Cli cli = Cli.run("bench", "--num", "5000", "-D", "state.backend.forst.writebuffer.size=256kb",
        "--benchmarks", "fillseq,fillrandom,readrandom,readseq,readrandomwriterandom");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out())
        .contains("Keys:       16 bytes each", "Values:     100 bytes each", "Entries:    5000")
        .contains("write buffer 256.0 KiB")
        .containsPattern("(?m)^fillseq +: +\\d+\\.\\d{3} micros/op \\d+ ops/sec; +\\d+\\.\\d MB/s \\(then flush: ")
        .containsPattern("(?m)^fillrandom +: +\\d+\\.\\d{3} micros/op \\d+ ops/sec; +\\d+\\.\\d MB/s")
        .containsPattern("(?m)^readrandom +: +\\d+\\.\\d{3} micros/op \\d+ ops/sec; +\\d+\\.\\d MB/s \\(5000 of 5000 found\\)")
        .containsPattern("(?m)^readseq +: +\\d+\\.\\d{3} micros/op \\d+ ops/sec;")
        .containsPattern("(?m)^readrandomwriterandom : +\\d+\\.\\d{3} micros/op \\d+ ops/sec; .*\\( reads:\\d+ writes:\\d+ total:5000 found:\\d+\\)")
        .containsPattern("tree: +\\d+ live files?");
  }

  @Test
  void aStoreGivenByUriGetsADirectoryOfItsOwnThatIsDeletedAfterwards(@TempDir Path dir) throws IOException {
    Cli cli = Cli.run("bench", "--num", "2000", "--benchmarks", "fillrandom,readrandom", "--store", dir.toUri());

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out()).containsPattern("Store: +file://" + dir + "/aloft-bench-[0-9a-f-]{36}");
    try (Stream<Path> left = Files.walk(dir)) {
      assertThat(left.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void durationBoundsEachBenchmark() {
    long start = System.nanoTime();
    Cli cli = Cli.run("bench", "--num", "100000000", "--duration", "300 ms", "--benchmarks", "fillrandom");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(30);
    assertThat(cli.out()).containsPattern("(?m)^fillrandom +: ");
  }

  @Test
  void wrongArgumentsAreUsageErrors() {
    assertThat(Cli.run("bench", "--benchmarks", "fillrandomly").err()).contains("unknown benchmark 'fillrandomly'");
    assertThat(Cli.run("bench", "--benchmarks", "fillrandomly").exitCode()).isEqualTo(AloftCli.USAGE);
    assertThat(Cli.run("bench", "--duration", "soon").exitCode()).isEqualTo(AloftCli.USAGE);
    assertThat(Cli.run("bench", "--key-size", "4").err()).contains("--key-size must be 8 to 65536");
  }
}
