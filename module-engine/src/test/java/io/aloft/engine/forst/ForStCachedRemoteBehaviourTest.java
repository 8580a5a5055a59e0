package io.aloft.engine.forst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.engine.testkit.ForStOnRemoteStore;
import io.aloft.engine.testkit.RemoteSchemeFileSystemProvider;
import io.aloft.engine.testkit.StateBackendBehaviourSuite;
import io.aloft.engine.testkit.StateHarness;
import io.aloft.serde.Serializers;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@code forst} backend with its primary directory on "remote" storage — {@code remote://}, a
 * test provider serving a local directory, so the engine treats it as remote — and so with the local
 * file cache in front of it (docs/cache.md), shows the behaviour every backend must show. The cache is kept
 * small, SST files small and the block cache off, so SST reads go through the file cache and evictions and load-backs
 * happen while the suite runs.
 */
class ForStCachedRemoteBehaviourTest extends StateBackendBehaviourSuite {

  @Override
  protected Config backendConfig(Path dir) {
    return ForStOnRemoteStore.config(
        Config.empty(), RemoteSchemeFileSystemProvider.locationOf(dir.resolve("checkpoints")), dir);
  }


  private static StateHarness<ValueState<String>> valueHarness(Config config) {
    return new StateHarness<>(config, c -> c.getState(new ValueStateDescriptor<>("v", Serializers.STRING)));
  }

  private static List<Path> filesBelow(Path dir, String suffix) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(suffix)).toList();
    }
  }

  /** Bytes of the files below {@code dir}, retried while background load-backs change it. */
  private static long bytesBelow(Path dir) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try (Stream<Path> s = Files.walk(dir)) {
        return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  /** 100 incompressible characters, the same for the same {@code i}. */
  private static String value(int i) {
    byte[] b = new byte[75];
    new Random(i).nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  private static void write(StateHarness<ValueState<String>> h, int keys) {
    for (int i = 0; i < keys; i++) {
      String value = value(i);
      h.on("k" + i, (s, c, o) -> s.asyncUpdate(value));
    }
    h.drain();
  }

  private static void readBack(StateHarness<ValueState<String>> h, int keys) {
    for (int i = 0; i < keys; i += 7) {
      assertThat(h.<String>read("k" + i, (s, r) -> s.asyncValue().thenAccept(r::accept)))
          .isEqualTo(value(i));
    }
  }

  @Test
  void newSstFilesAreWrittenToRemoteAndCacheAndReadLocally(@org.junit.jupiter.api.io.TempDir Path own)
      throws IOException {
    Config config =
        backendConfig(own).with("state.backend.forst.cache.size-based-limit", "0"); // no evictions
    try (StateHarness<ValueState<String>> h = valueHarness(config)) {
      write(h, 3_000);
      long remoteReads = RemoteSchemeFileSystemProvider.readRequests();

      readBack(h, 3_000);

      assertThat(RemoteSchemeFileSystemProvider.readRequests()).as("remote reads").isEqualTo(remoteReads);
      assertThat(filesBelow(own.resolve("cache"), ".sst")).as("cached copies").isNotEmpty();
      assertThat(filesBelow(own.resolve("checkpoints"), ".sst")).as("remote files").isNotEmpty();
    }
  }

  @Test
  void aSmallCacheStaysWithinItsLimitAndStillReadsEverything(@org.junit.jupiter.api.io.TempDir Path own) throws IOException {
    try (StateHarness<ValueState<String>> h = valueHarness(backendConfig(own))) {
      write(h, 8_000);
      long remoteReads = RemoteSchemeFileSystemProvider.readRequests();

      readBack(h, 8_000);

      // 800 kB of state in a 256 kB cache: some reads had to go remote, and the cache kept its limit
      // (copies being loaded back included).
      assertThat(RemoteSchemeFileSystemProvider.readRequests()).isGreaterThan(remoteReads);
      assertThat(bytesBelow(own.resolve("cache"))).isLessThanOrEqualTo(256 * 1024);
    }
  }

  @Test
  void theCacheIsOffWhenThePrimaryIsLocal(@org.junit.jupiter.api.io.TempDir Path own) throws IOException {
    Config config =
        backendConfig(own).with("execution.checkpointing.dir", own.resolve("checkpoints").toUri().toString());
    try (StateHarness<ValueState<String>> h = valueHarness(config)) {
      write(h, 3_000);
      readBack(h, 3_000);

      assertThat(filesBelow(own.resolve("checkpoints"), ".sst")).isNotEmpty();
      assertThat(filesBelow(own.resolve("cache"), "")).isEmpty();
      assertThat(filesBelow(own.resolve("local"), ".sst")).isEmpty();
    }
  }

  @Test
  void policyNoneTurnsTheCacheOffOnARemoteStore(@org.junit.jupiter.api.io.TempDir Path own) throws IOException {
    Config config = backendConfig(own).with("state.backend.forst.cache.policy", "none");
    try (StateHarness<ValueState<String>> h = valueHarness(config)) {
      write(h, 3_000);
      long remoteReads = RemoteSchemeFileSystemProvider.readRequests();

      readBack(h, 3_000);

      // Block cache off too: every read of an SST block is a remote read; nothing is cached on disk.
      assertThat(RemoteSchemeFileSystemProvider.readRequests()).isGreaterThan(remoteReads);
      assertThat(filesBelow(own.resolve("checkpoints"), ".sst")).isNotEmpty();
      assertThat(filesBelow(own.resolve("cache"), "")).isEmpty();
      assertThat(filesBelow(own.resolve("local"), ".sst")).isEmpty();
    }
  }

  @Test
  void theProcessorPublishesTheBackendsAndTheCachesMetrics(@org.junit.jupiter.api.io.TempDir Path own)
      throws IOException {
    Config config = backendConfig(own).with("state.backend.forst.cache.size-based-limit", "0");
    try (StateHarness<ValueState<String>> h = valueHarness(config)) {
      write(h, 3_000);
      readBack(h, 3_000);

      var metrics = h.processor().metrics();

      assertThat(metrics)
          .containsKeys(
              "forst.flushes", "forst.compactions", "forst.live-files", "forst.block-cache.hits",
              "forst.cache.misses", "forst.cache.evictions", "forst.cache.load-backs",
              "forst.cache.bytes-used", "forst.cache.remote-bytes-read", "async.max-in-flight-records");
      assertThat(metrics.get("forst.flushes")).isPositive();
      assertThat(metrics.get("forst.cache.hits")).as("reads of double-written files").isPositive();
      assertThat(metrics.get("forst.cache.bytes-used")).isPositive();
      assertThat(metrics.get("async.in-flight-records")).isZero();
      assertThat(metrics.get("async.max-in-flight-records")).isPositive();
      assertThatThrownBy(() -> metrics.put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void withoutAFileCacheThereAreNoCacheMetrics(@org.junit.jupiter.api.io.TempDir Path own) throws IOException {
    Config config = backendConfig(own).with("state.backend.forst.cache.policy", "none");
    try (StateHarness<ValueState<String>> h = valueHarness(config)) {
      write(h, 100);
      assertThat(h.processor().metrics()).containsKey("forst.flushes");
      assertThat(h.processor().metrics().keySet()).noneMatch(k -> k.startsWith("forst.cache."));
    }
  }
}
