package io.aloft.spi.backend;

import io.aloft.config.Config;
import io.aloft.spi.fs.FileSystems;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;

/**
 * What a backend is created with.
 *
 * @param config the whole configuration; the backend reads its own keys
 * @param maxParallelism the number of key groups
 * @param keyGroupRange the key groups the new backend owns
 * @param instanceName a name unique among the processor's instances, e.g. {@code counts-0of4}, for
 *     directory names and messages
 * @param fileSystems the storage serving any location (primary directory, checkpoints)
 * @param clock the processor's processing-time clock: what TTL expiry is measured against, also when
 *     a backend drops expired state while compacting
 * @param restored the checkpoint parts to restore (empty for a fresh start)
 * @param fileOwnership who deletes the files a checkpoint names: the backend, or the host
 */
public record BackendContext(
    Config config,
    int maxParallelism,
    KeyGroupRange keyGroupRange,
    String instanceName,
    FileSystems fileSystems,
    InstantSource clock,
    List<RestoredInstance> restored,
    FileOwnership fileOwnership) {
  public BackendContext {
    Objects.requireNonNull(fileOwnership, "fileOwnership");
    restored = List.copyOf(restored);
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(fileSystems, "fileSystems");
    Objects.requireNonNull(keyGroupRange, "keyGroupRange");
    Objects.requireNonNull(instanceName, "instanceName");
    if (keyGroupRange.endKeyGroup() >= maxParallelism) {
      throw new IllegalArgumentException(
          "key-group range " + keyGroupRange + " exceeds max parallelism " + maxParallelism);
    }
  }

  /** A context whose backend owns the files its checkpoints name ({@link FileOwnership#ALOFT}). */
  public BackendContext(
      Config config,
      int maxParallelism,
      KeyGroupRange keyGroupRange,
      String instanceName,
      FileSystems fileSystems,
      InstantSource clock,
      List<RestoredInstance> restored) {
    this(
        config,
        maxParallelism,
        keyGroupRange,
        instanceName,
        fileSystems,
        clock,
        restored,
        FileOwnership.ALOFT);
  }
}
