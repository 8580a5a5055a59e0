package io.aloft.engine.forst;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.FileOwnership;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.SnapshotRequest;
import io.aloft.spi.backend.SnapshotResult;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import io.aloft.state.StateDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two file-ownership modes of a {@code forst} backend, end to end: with {@link FileOwnership#ALOFT}
 * the backend deletes a checkpointed file once no retained checkpoint names it; with {@link
 * FileOwnership#HOST} it never deletes a file a checkpoint named (the host does), and still deletes the
 * obsolete files no checkpoint ever named.
 */
class FileOwnershipModesTest {
  @TempDir Path dir;

  private StateFileSystem fs;
  private Location root;

  private ForStKeyedStateBackend open(FileOwnership ownership) throws IOException {
    fs = new LocalFileSystemProvider().create("file", Config.empty());
    root = Location.of("file://" + dir.resolve("checkpoints"));
    Config config =
        Config.empty()
            .with("execution.checkpointing.dir", root.toString())
            .with("state.backend.forst.local-dir", dir.resolve("local").toString());
    return (ForStKeyedStateBackend)
        new ForStStateBackendFactory()
            .create(
                new BackendContext(
                    config,
                    128,
                    new KeyGroupRange(0, 127),
                    "ops-0of1",
                    location -> fs,
                    InstantSource.system(),
                    List.of(),
                    ownership));
  }

  private static byte[] row(int i) {
    return String.format("\0\1key-%05d", i).getBytes(StandardCharsets.UTF_8);
  }

  private static void write(StateTable table, int from, int to, String value) throws IOException {
    for (int i = from; i < to; i++) {
      table.put(row(i), value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private SnapshotResult checkpoint(ForStKeyedStateBackend backend, long id) throws IOException {
    return backend.snapshot(new SnapshotRequest(id, root, root.resolve("chk-" + id), true));
  }

  private Set<Location> listed(SnapshotResult... results) {
    Set<Location> files = new HashSet<>();
    for (SnapshotResult r : results) {
      r.files().forEach(f -> files.add(root.resolve(f)));
    }
    return files;
  }

  private Set<Location> sstsOnStorage() throws IOException {
    Location shared = root.resolve("shared/ops-0of1");
    if (!Files.exists(Path.of(shared.path()))) {
      return Set.of();
    }
    return fs.list(shared).stream().map(FileEntry::location).collect(Collectors.toSet());
  }

  /**
   * Two checkpoints name the first files; compaction makes them obsolete and writes a file that no
   * checkpoint names, which a second compaction makes obsolete too.
   */
  private record Scenario(Set<Location> named, Set<Location> neverNamed) {}

  private Scenario run(ForStKeyedStateBackend backend) throws IOException {
    StateTable table =
        backend.table(new TableSpec("counts", StateDescriptor.Kind.VALUE, Optional.empty()));
    write(table, 0, 200, "a");
    SnapshotResult first = checkpoint(backend, 1);
    write(table, 100, 300, "b");
    SnapshotResult second = checkpoint(backend, 2);
    Set<Location> named = listed(first, second);
    backend.tree().compactAll();
    Set<Location> unnamed = new HashSet<>(sstsOnStorage());
    unnamed.removeAll(named);
    write(table, 0, 50, "c");
    backend.tree().compactAll();
    assertThat(table.get(row(0))).isEqualTo("c".getBytes(StandardCharsets.UTF_8));
    assertThat(table.get(row(250))).isEqualTo("b".getBytes(StandardCharsets.UTF_8));
    return new Scenario(named, unnamed);
  }

  @Test
  void aloftDeletesCheckpointedFilesOnceNoRetainedCheckpointNamesThem() throws IOException {
    ForStKeyedStateBackend backend = open(FileOwnership.ALOFT);
    Scenario s = run(backend);
    assertThat(s.neverNamed()).isNotEmpty();
    assertThat(sstsOnStorage()).as("obsolete files no checkpoint named").doesNotContainAnyElementsOf(s.neverNamed());
    assertThat(sstsOnStorage()).as("files retained checkpoints name").containsAll(s.named());

    backend.checkpointSubsumed(1);
    backend.checkpointSubsumed(2);

    assertThat(sstsOnStorage()).as("files only subsumed checkpoints named").doesNotContainAnyElementsOf(s.named());
    backend.close();
    assertThat(sstsOnStorage()).isEmpty();
  }

  @Test
  void theHostOwnsEveryFileACheckpointNamedAndAloftStillDeletesTheOthers() throws IOException {
    ForStKeyedStateBackend backend = open(FileOwnership.HOST);
    Scenario s = run(backend);
    assertThat(s.neverNamed()).isNotEmpty();
    assertThat(sstsOnStorage()).as("obsolete files no checkpoint named").doesNotContainAnyElementsOf(s.neverNamed());

    backend.checkpointSubsumed(1);
    backend.checkpointSubsumed(2);
    backend.close();

    assertThat(sstsOnStorage()).as("files checkpoints named: the host's to delete").containsAll(s.named());
    assertThat(sstsOnStorage()).as("only files a checkpoint named").isSubsetOf(s.named());
  }
}
