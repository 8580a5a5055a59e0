package io.aloft.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.KeyedProcessor;
import io.aloft.serde.Serializers;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint part is checked before anything acts on it: crafted parts (valid checksums, written with
 * the engine's own writer) that name files outside what the processor may own or inherit, malformed
 * paths, or a run whose lease says otherwise are refused at restore, naming the part and the entry, and
 * another processor's live files are never deleted.
 */
class CheckpointTrustTest {
  @TempDir Path dir;

  private Config config() {
    return Config.empty()
        .with("state.backend.type", "forst")
        .with("execution.checkpointing.dir", dir.resolve("root").toString())
        .with("state.backend.forst.local-dir", dir.resolve("local").toString());
  }

  private KeyedProcessor<String, String, String> processor(Aloft aloft, String name, Location restore) {
    Aloft.ProcessorBuilder<String, String, String> b =
        aloft.keyedProcessor(new CountingFunction()).name(name).keySelector(CountingFunction.KEY).keySerializer(Serializers.STRING);
    if (restore != null) {
      b.restoreFrom(restore);
    }
    return b.build();
  }

  private List<Path> sstFilesOf(String instance) throws IOException {
    try (Stream<Path> s = Files.walk(dir.resolve("root").resolve("shared").resolve(instance))) {
      return s.filter(p -> p.toString().endsWith(".sst")).toList();
    }
  }

  /** Replaces the part of {@code instance} in {@code checkpoint} by {@code crafted}, checksummed. */
  private static void replacePart(Aloft aloft, Location checkpoint, String instance, InstanceCheckpoint crafted)
      throws IOException {
    StateFileSystem fs = aloft.fileSystem(checkpoint);
    fs.delete(InstanceCheckpoint.file(checkpoint, instance));
    crafted.write(fs, checkpoint);
  }

  private static InstanceCheckpoint withFiles(InstanceCheckpoint p, List<String> files) {
    return new InstanceCheckpoint(
        p.checkpointId(), p.maxParallelism(), p.keyGroupRange(), p.backendType(), p.instanceName(),
        p.incarnation(), p.stateFormats(), p.timers(), files, p.backendMetadata(), p.inputPosition());
  }

  @Test
  void aPartListingAnotherProcessorsLiveFileIsRefusedAndTheFileSurvives() throws IOException {
    try (Aloft aloft = Aloft.create(config())) {
      Location checkpoint;
      try (KeyedProcessor<String, String, String> mine = processor(aloft, "mine", null);
          KeyedProcessor<String, String, String> theirs = processor(aloft, "theirs", null)) {
        for (int i = 0; i < 100; i++) {
          mine.processElement("k" + i);
          theirs.processElement("k" + i);
        }
        checkpoint = mine.checkpoint(1).location();
        theirs.checkpoint(1);
        List<Path> theirFiles = sstFilesOf("theirs-0of1");
        assertThat(theirFiles).isNotEmpty();
        String victim = dir.resolve("root").relativize(theirFiles.get(0)).toString();
        StateFileSystem fs = aloft.fileSystem(checkpoint);
        InstanceCheckpoint part = InstanceCheckpoint.read(fs, InstanceCheckpoint.file(checkpoint, "mine-0of1"));
        List<String> files = new ArrayList<>(part.files());
        files.add(victim);
        replacePart(aloft, checkpoint, "mine-0of1", withFiles(part, files));

        assertThatThrownBy(() -> processor(aloft, "mine", checkpoint))
            .hasMessageContaining("mine-0of1.meta")
            .hasMessageContaining("is refused")
            .hasMessageContaining(victim);
        // Their processor goes on, checkpoints, and still has its file.
        theirs.processElement("k1");
        theirs.checkpoint(2);
        assertThat(theirFiles.get(0)).exists();
      }
    }
  }

  @Test
  void malformedEntriesAreRefusedNamingTheEntry() throws IOException {
    for (String entry :
        List.of("../x.sst", "chk-9", "shared/mine-0of1/a\u0000b.sst", "/etc/passwd", "s3://b/x", "shared//x",
            "chk-1/theirs-0of1.meta", "elsewhere/x.sst", "shared/theirs-0of1/x.sst")) {
      Path sub = dir.resolve("case" + Math.abs(entry.hashCode()));
      Config config =
          Config.empty()
              .with("state.backend.type", "forst")
              .with("execution.checkpointing.dir", sub.resolve("root").toString())
              .with("state.backend.forst.local-dir", sub.resolve("local").toString());
      try (Aloft aloft = Aloft.create(config)) {
        Location checkpoint;
        try (KeyedProcessor<String, String, String> mine = processor(aloft, "mine", null)) {
          mine.processElement("k");
          checkpoint = mine.checkpoint(1).location();
        }
        StateFileSystem fs = aloft.fileSystem(checkpoint);
        InstanceCheckpoint part = InstanceCheckpoint.read(fs, InstanceCheckpoint.file(checkpoint, "mine-0of1"));
        List<String> files = new ArrayList<>(part.files());
        files.add(entry);
        replacePart(aloft, checkpoint, "mine-0of1", withFiles(part, files));
        assertThatThrownBy(() -> processor(aloft, "mine", checkpoint))
            .as(entry)
            .hasMessageContaining("mine-0of1.meta is refused")
            .hasMessageContaining(entry.replace("\u0000", "\\u0000"));
      }
    }
  }

  @Test
  void aPartWhoseRunIsNotARunOfItsInstanceIsRefused() throws IOException {
    try (Aloft aloft = Aloft.create(config())) {
      Location checkpoint;
      try (KeyedProcessor<String, String, String> mine = processor(aloft, "mine", null)) {
        mine.processElement("k");
        checkpoint = mine.checkpoint(1).location();
      }
      StateFileSystem fs = aloft.fileSystem(checkpoint);
      InstanceCheckpoint p = InstanceCheckpoint.read(fs, InstanceCheckpoint.file(checkpoint, "mine-0of1"));
      InstanceCheckpoint crafted =
          new InstanceCheckpoint(
              p.checkpointId(), p.maxParallelism(), p.keyGroupRange(), p.backendType(), p.instanceName(),
              "theirs-0of1-" + java.util.UUID.randomUUID(), p.stateFormats(), p.timers(), p.files(),
              p.backendMetadata(), p.inputPosition());
      replacePart(aloft, checkpoint, "mine-0of1", crafted);
      assertThatThrownBy(() -> processor(aloft, "mine", checkpoint))
          .hasMessageContaining("mine-0of1.meta is refused")
          .hasMessageContaining("is not a run of its instance");
    }
  }

  @Test
  void aRestoreWithMissingFilesFailsBeforeTheFirstRecordNamingEachOne() throws IOException {
    try (Aloft aloft = Aloft.create(config())) {
      Location checkpoint;
      try (KeyedProcessor<String, String, String> mine = processor(aloft, "mine", null)) {
        for (int i = 0; i < 100; i++) {
          mine.processElement("k" + i);
        }
        checkpoint = mine.checkpoint(1).location();
      }
      List<Path> files = sstFilesOf("mine-0of1");
      assertThat(files).isNotEmpty();
      for (Path f : files) {
        Files.delete(f);
      }
      assertThatThrownBy(() -> processor(aloft, "mine", checkpoint))
          .hasMessageContaining("missing from storage")
          .satisfies(e -> {
            for (Path f : files) {
              assertThat(e.getMessage()).contains(f.getFileName().toString());
            }
          });
    }
  }

  @Test
  void aDamagedHashmapCheckpointFileIsRefusedNamingIt() throws IOException {
    for (String damage : List.of("flip", "truncate")) {
      Path sub = dir.resolve("heap-" + damage);
      Config config =
          Config.empty()
              .with("state.backend.type", "hashmap")
              .with("execution.checkpointing.dir", sub.resolve("root").toString());
      try (Aloft aloft = Aloft.create(config)) {
        Location checkpoint;
        try (KeyedProcessor<String, String, String> mine = processor(aloft, "mine", null)) {
          for (int i = 0; i < 50; i++) {
            mine.processElement("k" + i);
          }
          checkpoint = mine.checkpoint(1).location();
        }
        Path file = sub.resolve("root").resolve("chk-1").resolve("mine-0of1.heap");
        byte[] bytes = Files.readAllBytes(file);
        if (damage.equals("flip")) {
          bytes[bytes.length / 2] ^= 0x10;
        } else {
          bytes = java.util.Arrays.copyOf(bytes, bytes.length / 2);
        }
        Files.write(file, bytes);
        assertThatThrownBy(() -> processor(aloft, "mine", checkpoint))
            .as(damage)
            .hasStackTraceContaining("mine-0of1.heap")
            .satisfies(
                e -> assertThat(e.toString() + e.getCause()).containsAnyOf("checksum mismatch", "truncated"));
      }
    }
  }

  @Test
  void aHoldIsActedOnOnlyAsTheHoldOfTheRunItIsNamedAfter() throws IOException {
    Path rootA = dir.resolve("a");
    Path rootB = dir.resolve("b");
    Config a =
        Config.empty()
            .with("state.backend.type", "hashmap")
            .with("execution.checkpointing.dir", rootA.toString());
    Location checkpoint;
    try (Aloft aloft = Aloft.create(a);
        KeyedProcessor<String, String, String> mine = processor(aloft, "mine", null)) {
      mine.processElement("k");
      checkpoint = mine.checkpoint(1).location();
    }
    // A crafted hold, named after one run, naming another that a restore into root b would fence.
    String victim = "mine-0of1-" + java.util.UUID.randomUUID();
    String named = "mine-0of1-" + java.util.UUID.randomUUID();
    new Hold(victim, Location.of(rootB.toString()), 128, new io.aloft.spi.backend.KeyGroupRange(0, 127))
        .write(LocalFs.FS, checkpoint.resolve(named + CheckpointRoot.HOLD_SUFFIX));
    Config b = a.with("execution.checkpointing.dir", rootB.toString());
    try (Aloft aloft = Aloft.create(b);
        KeyedProcessor<String, String, String> restored = processor(aloft, "mine", checkpoint)) {
      restored.processElement("k");
    }
    assertThat(rootB.resolve("instances").resolve(victim).resolve(CheckpointRoot.FENCE)).doesNotExist();
  }

  /** The local file system, for writing crafted files. */
  private static final class LocalFs {
    static final io.aloft.spi.fs.StateFileSystem FS =
        new io.aloft.engine.fs.LocalFileSystemProvider().create("file", Config.empty());
  }
}
