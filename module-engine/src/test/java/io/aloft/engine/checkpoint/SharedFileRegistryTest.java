package io.aloft.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.testkit.FaultyFileSystemProvider;
import io.aloft.spi.backend.FileOwnership;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** When the registry deletes a shared file, in each ownership mode, over the faulty store. */
class SharedFileRegistryTest {
  @TempDir Path dir;
  private StateFileSystem fs;

  @BeforeEach
  void store() throws IOException {
    fs = new FaultyFileSystemProvider().create("faulty", Config.empty());
  }

  @AfterEach
  void disarm() {
    FaultyFileSystemProvider.disarm();
  }

  private Location file(String name) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[] {1});
    return Location.of("faulty://" + p);
  }

  private static boolean exists(Location l) {
    return Files.exists(Path.of(l.path()));
  }

  private SharedFileRegistry registry(FileOwnership ownership) {
    return new SharedFileRegistry(location -> fs, ownership);
  }

  @ParameterizedTest
  @EnumSource(FileOwnership.class)
  void aWrittenFileNoCheckpointNamedGoesWithItsLastVersion(FileOwnership ownership) throws IOException {
    SharedFileRegistry files = registry(ownership);
    Location f = file("shared/a.sst");
    files.register(f, SharedFileRegistry.Origin.WRITTEN);
    files.acquire(f);
    files.acquire(f);

    assertThat(files.release(f)).isFalse();
    assertThat(exists(f)).isTrue();
    assertThat(files.release(f)).isTrue();
    assertThat(exists(f)).isFalse();
  }

  @Test
  void withAloftOwningFilesANamedFileGoesWhenItsLastCheckpointIsSubsumed() throws IOException {
    SharedFileRegistry files = registry(FileOwnership.ALOFT);
    Location f = file("shared/a.sst");
    files.register(f, SharedFileRegistry.Origin.WRITTEN);
    files.acquire(f);
    files.named(1, f);
    files.named(2, f);
    files.release(f);

    files.checkpointSubsumed(1);
    assertThat(exists(f)).isTrue();
    files.checkpointSubsumed(2);
    assertThat(exists(f)).isFalse();
  }

  @Test
  void withTheHostOwningFilesANamedFileOrACopyIsNeverDeleted() throws IOException {
    SharedFileRegistry files = registry(FileOwnership.HOST);
    Location f = file("shared/a.sst");
    Location copy = file("chk-1/files/a.sst");
    files.register(f, SharedFileRegistry.Origin.WRITTEN);
    files.register(copy, SharedFileRegistry.Origin.COPIED);
    files.acquire(f);
    files.named(1, f);
    files.named(1, copy);

    files.release(f);
    files.checkpointSubsumed(1);
    files.deleteUnreferenced(List.of(f, copy), true);

    assertThat(exists(f)).isTrue();
    assertThat(exists(copy)).isTrue();
    assertThat(files.contains(f)).as("forgotten: the host's now").isFalse();
  }

  @ParameterizedTest
  @EnumSource(FileOwnership.class)
  void aRestoredFileIsDeletedOnlyWhenTheCheckpointStoreReleasesItAndNoVersionReadsIt(
      FileOwnership ownership) throws IOException {
    SharedFileRegistry files = registry(ownership);
    Location f = file("shared/other-run/a.sst");
    files.register(f, SharedFileRegistry.Origin.RESTORED);
    files.acquire(f);
    Location dir = f.parent().parent();
    assertThat(files.readsRestoredBelow(dir)).isTrue();

    assertThat(files.releaseInherited(List.of(f))).isEmpty();
    assertThat(exists(f)).as("a version still reads it").isTrue();
    files.release(f);

    assertThat(files.readsRestoredBelow(dir)).isFalse();
    assertThat(exists(f)).isEqualTo(ownership == FileOwnership.HOST);
  }

  @ParameterizedTest
  @EnumSource(FileOwnership.class)
  void anOrphanNoRegistryKnowsIsDeletedOnlyWhenAloftOwnsTheFiles(FileOwnership ownership) throws IOException {
    SharedFileRegistry files = registry(ownership);
    Location orphan = file("shared/orphan.sst");

    files.deleteUnreferenced(List.of(orphan), false);

    assertThat(exists(orphan)).isEqualTo(ownership == FileOwnership.HOST);
  }

  @Test
  void aDeleteTheStoreRefusesIsReportedAndTriedAgainLater() throws IOException {
    SharedFileRegistry files = registry(FileOwnership.ALOFT);
    Location stuck = file("shared/stuck.sst");
    Location other = file("shared/other.sst");
    FaultyFileSystemProvider.failDeletesOf(l -> l.fileName().equals("stuck.sst"));

    assertThat(files.releaseInherited(List.of(stuck, other))).containsOnlyKeys(stuck);
    assertThat(exists(stuck)).isTrue();
    assertThat(exists(other)).isFalse();

    FaultyFileSystemProvider.disarm();
    files.checkpointSubsumed(7);
    assertThat(exists(stuck)).isFalse();
  }
}
