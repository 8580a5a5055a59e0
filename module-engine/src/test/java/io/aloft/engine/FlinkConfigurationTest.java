package io.aloft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.ConfigException;
import io.aloft.engine.testkit.LogRecords;
import io.aloft.process.Checkpoint;
import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code config.yaml} written for Flink's ForSt backend loads: the keys Aloft honours take effect,
 * the others are named in one WARNING (or refused in strict mode), and a misspelt honoured key still
 * fails with the closest key.
 */
class FlinkConfigurationTest {
  @TempDir Path dir;

  /** ForSt keys as a Flink deployment writes them, nested and flat, honoured and not. */
  private String flinkForStYaml() {
    return """
        state.backend.type: forst
        execution.checkpointing:
          dir: %s
          mode: EXACTLY_ONCE
          interval: 10 min
        state.backend.forst:
          primary-dir: checkpoint-dir
          local-dir: %s
          writebuffer.size: 1mb
          writebuffer.number-to-merge: 2
          block.cache-size: 16mb
          block.metadata-blocksize: 4kb
          memory.managed: true
          memory.write-buffer-ratio: 0.5
          compaction.style: LEVEL
          compaction.filter.query-time-after-num-entries: 1000
          timer-service.factory: ForStDB
          log.level: INFO_LEVEL
          files.open: -1
          sync.enforce-local: true
          use-ingest-db-restore-mode: false
        state.backend.forst.executor.read-io-parallelism: 2
        pipeline.object-reuse: true
        jobmanager.rpc.address: localhost
        taskmanager.numberOfTaskSlots: 4
        taskmanager.memory.process.size: 4g
        rest.port: 8081
        parallelism.default: 2
        table.exec.mini-batch.enabled: false
        myapp.input.topic: clicks
        """
        .formatted(dir.resolve("chk").toUri(), dir.resolve("local"));
  }

  private Path yaml(String text) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, text);
    return file;
  }

  static final class Count extends KeyedProcessFunction<String, String, String> {
    private ValueState<Integer> count;

    @Override
    public void open(StateContext context) {
      count = context.getState(new ValueStateDescriptor<>("count", Serializers.INT));
    }

    @Override
    public void processElement(String record, Context<String> context, Collector<String> out) {
      Integer c = count.value();
      count.update(c == null ? 1 : c + 1);
    }
  }

  /** Writes enough state through a forst processor that its 1 MiB memtable flushes, and checkpoints. */
  private static Checkpoint fill(Aloft aloft) {
    try (KeyedProcessor<String, String, String> p =
        aloft
            .<String, String, String>keyedProcessor(new Count())
            .name("count")
            .keySelector(r -> r)
            .keySerializer(Serializers.STRING)
            .output(r -> {})
            .build()) {
      for (int i = 0; i < 40_000; i++) {
        p.processElement("key-" + i + "-" + "x".repeat(20));
      }
      return p.checkpoint(1, 0);
    }
  }

  private static List<Path> sstFiles(Path under) throws Exception {
    if (!Files.exists(under)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(under)) {
      return files.filter(f -> f.toString().endsWith(".sst")).toList();
    }
  }

  @Test
  void aFlinkForStConfigLoadsAndNamesTheKeysAloftDoesNotHonourInOneWarning() throws Exception {
    List<LogRecord> records;
    try (LogRecords log = new LogRecords()) {
      try (Aloft aloft = Aloft.fromYaml(yaml(flinkForStYaml()))) {
        assertThat(aloft.backendType()).isEqualTo("forst");
        fill(aloft);
      }
      records = log.all();
    }
    List<LogRecord> warnings =
        records.stream().filter(r -> r.getMessage().contains("Flink configuration keys")).toList();
    assertThat(warnings).singleElement();
    assertThat(warnings.get(0).getLevel()).isEqualTo(java.util.logging.Level.WARNING);
    assertThat(warnings.get(0).getMessage())
        .contains(
            "execution.checkpointing.mode",
            "state.backend.forst.writebuffer.number-to-merge",
            "state.backend.forst.block.metadata-blocksize",
            "state.backend.forst.memory.managed",
            "state.backend.forst.memory.write-buffer-ratio",
            "state.backend.forst.compaction.style",
            "state.backend.forst.compaction.filter.query-time-after-num-entries",
            "state.backend.forst.timer-service.factory",
            "state.backend.forst.log.level",
            "state.backend.forst.files.open",
            "state.backend.forst.sync.enforce-local",
            "state.backend.forst.use-ingest-db-restore-mode",
            "pipeline.object-reuse",
            "jobmanager.rpc.address",
            "taskmanager.numberOfTaskSlots",
            "taskmanager.memory.process.size",
            "rest.port",
            "parallelism.default")
        // honoured keys are not in it
        .doesNotContain("writebuffer.size", "block.cache-size", "read-io-parallelism", "primary-dir")
        .doesNotContain("execution.checkpointing.dir", "execution.checkpointing.interval")
        // read by module-sql, or the application's own: not Flink's cluster keys
        .doesNotContain("table.exec.mini-batch.enabled", "myapp.input.topic");
    // honoured: the 1 MiB write buffer flushed SST files into <checkpoint dir>/shared (checkpoint-dir)
    assertThat(sstFiles(dir.resolve("chk").resolve("shared"))).isNotEmpty();
  }

  @Test
  void strictModeRefusesTheKeysAloftDoesNotHonourNamingThem() throws Exception {
    Path file = yaml(flinkForStYaml() + "aloft.config.strict: true\n");
    assertThatThrownBy(() -> Aloft.fromYaml(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("aloft.config.strict")
        .hasMessageContaining("execution.checkpointing.mode")
        .hasMessageContaining("state.backend.forst.memory.managed")
        .hasMessageContaining("state.backend.forst.timer-service.factory")
        .hasMessageContaining("taskmanager.numberOfTaskSlots");
  }

  @Test
  void strictModeLoadsAConfigOfHonouredKeysOnly() throws Exception {
    Path file =
        yaml(
            "state.backend.type: forst\naloft.config.strict: true\nexecution.checkpointing.dir: "
                + dir.resolve("chk").toUri() + "\nstate.backend.forst.writebuffer.size: 2mb\n");
    try (Aloft aloft = Aloft.fromYaml(file)) {
      assertThat(aloft.backendType()).isEqualTo("forst");
    }
  }

  @Test
  void misspeltHonouredKeysStillFailWithTheClosestKeyAmongFlinksKeys() throws Exception {
    for (String[] c :
        new String[][] {
          {"state.backend.forst.writebuffer.szie", "state.backend.forst.writebuffer.size"},
          {"state.backend.forst.primary-directory", "state.backend.forst.primary-dir"},
          {"state.backend.forst.block.cache-sizes", "state.backend.forst.block.cache-size"},
          {"aloft.config.strikt", "aloft.config.strict"},
        }) {
      Path file = yaml(flinkForStYaml() + c[0] + ": 1\n");
      assertThatThrownBy(() -> Aloft.fromYaml(file))
          .as(c[0])
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("'" + c[0] + "'")
          .hasMessageContaining("did you mean '" + c[1] + "'");
    }
  }

  @Test
  void aMalformedStrictFlagNamesItsKey() throws Exception {
    Path file = yaml("aloft.config.strict: sometimes\n");
    assertThatThrownBy(() -> Aloft.fromYaml(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("aloft.config.strict");
  }

  @Test
  void theLocalDirShortcutKeepsTheFilesInTheLocalDirectoryAndCheckpointsCopyThem() throws Exception {
    Path file =
        yaml(
            flinkForStYaml().replace("primary-dir: checkpoint-dir", "primary-dir: local-dir"));
    List<String> restoredCounts = new ArrayList<>();
    try (LogRecords ignored = new LogRecords();
        Aloft aloft = Aloft.fromYaml(file)) {
      Checkpoint checkpoint = fill(aloft);
      // the tree lived in <local-dir>/primary (its files go when it closes: the checkpoint has copies)
      assertThat(dir.resolve("local").resolve("primary").resolve("count-0of1")).isDirectory();
      assertThat(sstFiles(dir.resolve("chk").resolve("shared"))).isEmpty();
      // the checkpoint holds copies, so it restores from the checkpoint directory alone
      assertThat(sstFiles(dir.resolve("chk").resolve("chk-1").resolve("files"))).isNotEmpty();
      try (KeyedProcessor<String, String, String> restored =
          aloft
              .<String, String, String>keyedProcessor(
                  new KeyedProcessFunction<String, String, String>() {
                    private ValueState<Integer> count;

                    @Override
                    public void open(StateContext context) {
                      count = context.getState(new ValueStateDescriptor<>("count", Serializers.INT));
                    }

                    @Override
                    public void processElement(String r, Context<String> context, Collector<String> out) {
                      out.collect(String.valueOf(count.value()));
                    }
                  })
              .name("count")
              .keySelector(r -> r)
              .keySerializer(Serializers.STRING)
              .output(restoredCounts::add)
              .restoreFrom(checkpoint.location())
              .build()) {
        restored.processElement("key-7-" + "x".repeat(20));
        restored.processElement("absent");
        restored.drain();
      }
    }
    assertThat(restoredCounts).containsExactly("1", "null");
  }
}
