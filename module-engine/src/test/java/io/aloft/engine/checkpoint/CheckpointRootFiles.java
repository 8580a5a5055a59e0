package io.aloft.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.engine.testkit.FileTrees;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/** What a checkpoint root on the local disk holds, read the way a test checks it. */
record CheckpointRootFiles(Path root) {
  private static final StateFileSystem LOCAL = new LocalFileSystemProvider().create("file", Config.empty());

  /** The parts in every checkpoint directory, by path relative to the root. */
  Map<String, InstanceCheckpoint> parts() throws IOException {
    Map<String, InstanceCheckpoint> parts = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path chk : dirs.filter(p -> p.getFileName().toString().startsWith("chk-")).toList()) {
        for (InstanceCheckpoint part : InstanceCheckpoint.readAll(LOCAL, Location.of(chk.toString()))) {
          parts.put(root.relativize(chk.resolve(part.instanceName() + ".meta")).toString(), part);
        }
      }
    }
    return parts;
  }

  /** No part lists a file that is gone. */
  void assertEveryListedFileExists() throws IOException {
    for (Map.Entry<String, InstanceCheckpoint> e : parts().entrySet()) {
      for (String file : e.getValue().files()) {
        assertThat(root.resolve(file)).as("%s, listed by %s", file, e.getKey()).exists();
      }
    }
  }

  /** Every file below the root, relative to it. */
  Set<String> files() throws IOException {
    return FileTrees.files(root);
  }

  /**
   * Asserts that the root holds nothing but checkpoint {@code id} (its parts and the files they
   * list) and the runs' leases and fences: what is left once every instance has closed.
   */
  void assertOnlyCheckpointRemains(long id) throws IOException {
    Set<String> expected = new TreeSet<>();
    for (Map.Entry<String, InstanceCheckpoint> e : parts().entrySet()) {
      assertThat(e.getValue().checkpointId()).as("checkpoint of %s", e.getKey()).isEqualTo(id);
      expected.add(e.getKey());
      expected.addAll(e.getValue().files());
    }
    for (String f : files()) {
      if (f.startsWith(CheckpointRoot.INSTANCES + "/")
          && (f.endsWith("/" + CheckpointRoot.LEASE)
              || f.endsWith("/" + CheckpointRoot.FENCE)
              || f.endsWith("/" + CheckpointRoot.ENDED))) {
        expected.add(f);
      }
    }
    assertThat(files()).as("files left in %s", root).isEqualTo(expected);
  }
}
