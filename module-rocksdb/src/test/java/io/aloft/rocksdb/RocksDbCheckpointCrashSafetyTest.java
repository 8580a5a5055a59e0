package io.aloft.rocksdb;

import static io.aloft.rocksdb.RocksDbCheckpointTest.expected;
import static io.aloft.rocksdb.RocksDbCheckpointTest.feed;
import static io.aloft.rocksdb.RocksDbCheckpointTest.instances;
import static io.aloft.rocksdb.RocksDbCheckpointTest.keys;
import static io.aloft.rocksdb.RocksDbCheckpointTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.engine.checkpoint.InstanceCheckpoint;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.engine.testkit.FaultyFileSystemProvider;
import io.aloft.engine.testkit.FileTrees;
import io.aloft.process.KeyedProcessor;
import io.aloft.rocksdb.RocksDbCheckpointTest.Add;
import io.aloft.rocksdb.RocksDbCheckpointTest.KeyState;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that fails the k-th request, for every k through a checkpoint of the {@code rocksdb}
 * backend: restoring the last completed checkpoint yields exactly its state, and once a later
 * checkpoint succeeds, nothing but what it lists is left in checkpoint storage.
 */
class RocksDbCheckpointCrashSafetyTest {
  static final List<String> KEYS = keys(50);

  @TempDir Path dir;

  @AfterEach
  void disarm() {
    FaultyFileSystemProvider.disarm();
  }

  static Config config(Path base) {
    return Config.empty()
        .with("state.backend.type", "rocksdb")
        .with("execution.checkpointing.dir", "faulty://" + base.resolve("checkpoints"));
  }

  @Test
  void aFailureAtAnyRequestOfACheckpointLosesNothingAndLeavesNothingBehind() throws IOException {
    int failures = 0;
    for (int k = 1; k <= 300; k++) {
      Path base = dir.resolve("k" + k);
      List<String> out = new ArrayList<>();
      Map<String, KeyState> model = new TreeMap<>();
      Map<String, String> atFirst;
      Map<String, String> atSecond;
      boolean secondFailed = false;
      try (Aloft aloft = Aloft.create(config(base))) {
        KeyedProcessor<String, Add, String> p = instances(aloft, 1, null, out).get(0);
        feed(p, KEYS, 1, model);
        p.checkpoint(1);
        atFirst = expected(model);
        feed(p, KEYS.subList(0, 10), 2, model);
        atSecond = expected(model);
        FaultyFileSystemProvider.failRequest(k);
        try {
          p.checkpoint(2);
        } catch (RuntimeException e) {
          secondFailed = true;
          failures++;
        }
        FaultyFileSystemProvider.disarm();
        // Restored from a copy of the storage: a restore in place would fence p, which goes on below.
        FileTrees.copy(base.resolve("checkpoints"), base.resolve("copy"));
        Location from = Location.of("faulty://" + base.resolve("copy/chk-" + (secondFailed ? 1 : 2)));
        var restored = instances(aloft, 1, from, out);
        assertThat(read(restored, out, KEYS))
            .as("failure at request %d, restoring %s", k, from)
            .isEqualTo(secondFailed ? atFirst : atSecond);
        restored.forEach(KeyedProcessor::close);

        // A successful checkpoint retries whatever cleanup the failure interrupted.
        p.checkpoint(3);
        p.close();
      }
      assertThat(filesBelow(base.resolve("checkpoints")))
          .as("files left after a failure at request %d and a successful checkpoint", k)
          .isEqualTo(listedBy(base, 3));
      if (!secondFailed) {
        assertThat(failures).as("failures injected before the checkpoint ran clean").isPositive();
        System.out.printf(
            "a rocksdb checkpoint took %d requests; a failure at each of them was recovered%n", k - 1);
        return; // k is past the last request of a checkpoint: every earlier k was covered
      }
    }
    throw new AssertionError("a checkpoint takes more than 300 requests");
  }

  static Set<Path> filesBelow(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).collect(Collectors.toSet());
    }
  }

  /**
   * What may remain: checkpoint 3 (its part and every file it lists), the instance's lease, and the
   * marker that its run ended (once it has closed).
   */
  static Set<Path> listedBy(Path base, int id) throws IOException {
    Path root = base.resolve("checkpoints");
    Set<Path> files = new HashSet<>();
    var fs = new LocalFileSystemProvider().create("file", Config.empty());
    Path chk = root.resolve("chk-" + id);
    for (InstanceCheckpoint part : InstanceCheckpoint.readAll(fs, Location.of(chk.toString()))) {
      files.add(chk.resolve(part.instanceName() + ".meta"));
      for (RocksDbSnapshot.DbFile file :
          RocksDbSnapshot.decode(part.backendMetadata(), chk.toString()).files()) {
        files.add(root.resolve(file.location()));
      }
    }
    try (Stream<Path> leases = Files.list(root.resolve("instances"))) {
      leases.forEach(
          run -> {
            files.add(run.resolve("lease"));
            if (Files.exists(run.resolve("ended"))) {
              files.add(run.resolve("ended"));
            }
          });
    }
    return files;
  }
}
