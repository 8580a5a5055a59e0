package io.aloft.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.KeyedProcessor;
import io.aloft.serde.Serializers;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that start fresh in one root leave their leases behind (what they retain may still be restored);
 * a start merges the leases of its instance's ended runs, so the leases it reads do not grow with the
 * number of runs, and nothing they retained is lost.
 */
class EndedRunsTest {
  @TempDir Path dir;

  private List<Path> files(String name) throws IOException {
    try (Stream<Path> s = Files.walk(dir.resolve("root").resolve("instances"))) {
      return s.filter(p -> p.getFileName().toString().equals(name)).toList();
    }
  }

  @Test
  void leasesOfEndedRunsAreMergedAndWhatTheyRetainedStillRestores() throws IOException {
    Config config =
        Config.empty()
            .with("state.backend.type", "forst")
            .with("execution.checkpointing.dir", dir.resolve("root").toString())
            .with("state.backend.forst.local-dir", dir.resolve("local").toString());
    List<Location> checkpoints = new ArrayList<>();
    try (Aloft aloft = Aloft.create(config)) {
      for (int run = 0; run < 12; run++) {
        try (KeyedProcessor<String, String, String> p =
            aloft.keyedProcessor(new CountingFunction()).name("p").keySelector(CountingFunction.KEY)
                .keySerializer(Serializers.STRING).build()) {
          for (int i = 0; i <= run; i++) {
            p.processElement("k" + run);
          }
          checkpoints.add(p.checkpoint(p.lastCheckpointId().orElse(0) + 1).location());
        }
        assertThat(files("lease")).as("leases after run %d", run).hasSizeLessThanOrEqualTo(2);
      }
      // Every run's checkpoint is still there and restores what that run wrote.
      for (int run = 0; run < 12; run += 5) {
        List<String> out = new ArrayList<>();
        Location chk = checkpoints.get(run);
        assertThat(Path.of(chk.path()).resolve("p-0of1.meta")).exists();
        Path copyRoot = dir.resolve("copy-" + run);
        io.aloft.engine.testkit.FileTrees.copy(dir.resolve("root"), copyRoot);
        Config copy =
            config.with("execution.checkpointing.dir", copyRoot.toString())
                .with("state.backend.forst.local-dir", dir.resolve("local-" + run).toString());
        try (Aloft other = Aloft.create(copy);
            KeyedProcessor<String, String, String> p =
                other.keyedProcessor(new CountingFunction()).name("p").keySelector(CountingFunction.KEY)
                    .keySerializer(Serializers.STRING).output(out::add)
                    .restoreFrom(Location.of(copyRoot.resolve(chk.fileName()).toString())).build()) {
          p.processElement("?k" + run);
          p.drain();
        }
        assertThat(out).containsExactly("k" + run + "=" + (run + 1));
      }
    }
  }

  @Test
  void restoresWhoseFunctionFailsToOpenEndTheirRunsToo() throws IOException {
    Config config =
        Config.empty()
            .with("state.backend.type", "forst")
            .with("execution.checkpointing.dir", dir.resolve("root").toString())
            .with("state.backend.forst.local-dir", dir.resolve("local").toString());
    try (Aloft aloft = Aloft.create(config)) {
      Location chk;
      try (KeyedProcessor<String, String, String> p =
          aloft.keyedProcessor(new CountingFunction()).name("p").keySelector(CountingFunction.KEY)
              .keySerializer(Serializers.STRING).build()) {
        p.processElement("k");
        chk = p.checkpoint(1).location();
      }
      // A restore writes its lease before the function opens: a failed open must end that run.
      for (int attempt = 0; attempt < 8; attempt++) {
        assertThatThrownBy(
                () ->
                    aloft
                        .keyedProcessor(
                            new io.aloft.process.KeyedProcessFunction<String, String, String>() {
                              @Override
                              public void open(io.aloft.process.StateContext context) {
                                throw new IllegalStateException("open fails");
                              }

                              @Override
                              public void processElement(
                                  String r, Context<String> c, io.aloft.process.Collector<String> o) {}
                            })
                        .name("p").keySelector(CountingFunction.KEY).keySerializer(Serializers.STRING)
                        .restoreFrom(chk).build())
            .hasRootCauseMessage("open fails");
        assertThat(files("lease")).as("leases after failed start %d", attempt).hasSize(1);
        assertThat(files("lease").get(0).resolveSibling("ended"))
            .as("the failed start %d has ended its run", attempt)
            .exists();
      }
      // A fresh start clears the runs that ended and were taken over: one directory per restart
      // does not pile up.
      try (KeyedProcessor<String, String, String> p =
          aloft.keyedProcessor(new CountingFunction()).name("p").keySelector(CountingFunction.KEY)
              .keySerializer(Serializers.STRING).build()) {
        try (Stream<Path> runs = Files.list(dir.resolve("root").resolve("instances"))) {
          assertThat(runs.count()).as("run directories after a fresh start").isEqualTo(1);
        }
      }
      List<String> out = new ArrayList<>();
      try (KeyedProcessor<String, String, String> p =
          aloft.keyedProcessor(new CountingFunction()).name("p").keySelector(CountingFunction.KEY)
              .keySerializer(Serializers.STRING).output(out::add).restoreFrom(chk).build()) {
        p.processElement("?k");
        p.drain();
      }
      assertThat(out).containsExactly("k=1");
    }
  }
}
