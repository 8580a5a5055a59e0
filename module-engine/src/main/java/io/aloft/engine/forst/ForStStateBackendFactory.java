package io.aloft.engine.forst;

import io.aloft.engine.ForStOptions;

import io.aloft.config.AloftOptions;
import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.engine.fs.CountingFileSystem;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.engine.lsm.LsmOptions;
import io.aloft.engine.filecache.CachingFileSystem;
import io.aloft.engine.plugins.Plugins;
import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.StateBackendFactory;
import io.aloft.spi.fs.FileSystems;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * {@code state.backend.type: forst}: keyed state in an LSM tree whose files live in the primary
 * storage ({@code state.backend.forst.primary-dir}, by default {@code <execution.checkpointing.dir>/shared}),
 * any store a storage provider serves.
 */
public final class ForStStateBackendFactory implements StateBackendFactory {

  @Override
  public String type() {
    return "forst";
  }

  @Override
  public KeyedStateBackend create(BackendContext context) throws IOException {
    Config config = context.config();
    Location primary = primaryDir(config).resolve(context.instanceName());
    CountingFileSystem counted = new CountingFileSystem(context.fileSystems().forLocation(primary));
    StateFileSystem fs = counted;
    Path local = localDir(config).resolve(context.instanceName() + "-" + UUID.randomUUID());
    Files.createDirectories(local);
    FileSystems fileSystems = counted.routing(primary.scheme(), context.fileSystems());
    boolean cacheWanted =
        !primary.scheme().equals(LocalFileSystemProvider.SCHEME) // a copy on the same disk saves nothing
            && !config.get(ForStOptions.CACHE_POLICY).equals(ForStOptions.CACHE_POLICY_NONE);
    if (cacheWanted) {
      CachingFileSystem cache =
          CachingFileSystem.forBackend(counted, config, local, Plugins.cachePolicyFactory(config));
      fs = cache;
      fileSystems = cache.routing(primary.scheme(), fileSystems);
    }
    return new ForStKeyedStateBackend(
        LsmOptions.from(config),
        fs,
        fileSystems,
        primary,
        local,
        context.keyGroupRange(),
        context.clock(),
        context.restored(),
        context.fileOwnership(),
        counted);
  }

  /**
   * The primary directory: the configured one, or {@code shared/} inside the checkpoint directory
   * (also for Flink's shortcut {@code checkpoint-dir}); Flink's shortcut {@code local-dir} means {@code
   * primary/} in the local directory.
   */
  static Location primaryDir(Config config) {
    String key = ForStOptions.PRIMARY_DIR.key();
    String configured = config.getOptional(ForStOptions.PRIMARY_DIR).orElse(ForStOptions.PRIMARY_DIR_CHECKPOINT_DIR);
    if (configured.equals(ForStOptions.PRIMARY_DIR_LOCAL_DIR)) {
      return Location.of(localDir(config).resolve("primary").toUri().toString());
    }
    String text =
        !configured.equals(ForStOptions.PRIMARY_DIR_CHECKPOINT_DIR)
            ? configured
            : config
                .getOptional(AloftOptions.CHECKPOINTING_DIR)
                .map(dir -> Location.of(dir).resolve("shared").toString())
                .orElseThrow(
                    () ->
                        new ConfigException(
                            AloftOptions.CHECKPOINTING_DIR.key(),
                            "The forst backend needs '" + AloftOptions.CHECKPOINTING_DIR.key()
                                + "' (or '" + key + "'): where its files live"));
    try {
      return Location.of(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "Invalid location for the forst primary directory: " + e.getMessage(), e);
    }
  }

  /** The local directory: {@code state.backend.forst.local-dir}, or {@code aloft} in {@code java.io.tmpdir}. */
  static Path localDir(Config config) {
    return config
        .getOptional(ForStOptions.LOCAL_DIR)
        .map(Path::of)
        .orElse(Path.of(System.getProperty("java.io.tmpdir"), "aloft"))
        .toAbsolutePath();
  }
}
