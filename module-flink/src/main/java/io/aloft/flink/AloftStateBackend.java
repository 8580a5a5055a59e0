package io.aloft.flink;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.ConfigOption;
import io.aloft.engine.ForStOptions;
import io.aloft.engine.plugins.Plugins;
import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.FileOwnership;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.RestoredInstance;
import io.aloft.spi.fs.FileSystems;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.Environment;
import org.apache.flink.runtime.state.AsyncKeyedStateBackend;
import org.apache.flink.runtime.state.CheckpointableKeyedStateBackend;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorStateBackend;
import org.apache.flink.runtime.state.PhysicalStateHandleID;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.StateBackendLoader;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.filesystem.FsCheckpointStorageAccess;

/**
 * Aloft's engine as a Flink 2.3 state backend. Keyed operators with asynchronous state ({@code
 * enableAsyncState()}, Flink SQL's async operators) get an Aloft backend, {@code forst} by default;
 * every other keyed operator, and all operator state, get the synchronous backend this one delegates
 * to (Flink's {@code hashmap} by default), as Flink's own ForSt backend does.
 *
 * <p>Configuration, read from Flink's configuration:
 *
 * <ul>
 *   <li>{@code state.backend.aloft.type}: Aloft's backend for async state, default {@code forst}
 *       (also {@code hashmap}, {@code rocksdb} with that module present);
 *   <li>{@code state.backend.aloft.sync-backend}: Flink's backend for everything else, as {@code
 *       state.backend.type} would name it, default {@code hashmap};
 *   <li>the {@code state.backend.forst.*} keys Aloft knows (its README lists them; they carry the
 *       names of Flink's ForSt keys), with Aloft's meaning; {@code state.backend.forst.primary-dir}
 *       defaults to {@code <checkpoint dir>/<job id>/shared/aloft}, so that checkpoints name the
 *       backend's files instead of copying them. Other {@code state.backend.forst.*} keys (Flink's
 *       ForSt has more) are ignored with one warning;
 *   <li>the keys of Aloft's storage providers on the class path ({@code s3.endpoint}, {@code
 *       azure.account-key}, ...), as they are.
 * </ul>
 */
public final class AloftStateBackend implements StateBackend {

  private static final long serialVersionUID = 1L;
  private static final System.Logger LOG = System.getLogger(AloftStateBackend.class.getName());

  /** Async keyed backends this class loader has created: for diagnostics and tests. */
  static final java.util.concurrent.atomic.AtomicLong ASYNC_BACKENDS_CREATED =
      new java.util.concurrent.atomic.AtomicLong();

  public static final String TYPE_KEY = "state.backend.aloft.type";
  public static final String SYNC_BACKEND_KEY = "state.backend.aloft.sync-backend";

  /** Aloft's keys, as strings (the backend is serialized into the job graph). */
  private final HashMap<String, String> aloftKeys;
  private final String type;
  private final StateBackend syncBackend;

  private AloftStateBackend(HashMap<String, String> aloftKeys, String type, StateBackend syncBackend) {
    this.aloftKeys = aloftKeys;
    this.type = type;
    this.syncBackend = syncBackend;
  }

  /**
   * The backend {@code config} describes.
   *
   * @throws IllegalConfigurationException naming the key whose value is wrong
   */
  public static AloftStateBackend fromConfig(ReadableConfig config, ClassLoader classLoader)
      throws IllegalConfigurationException, IOException {
    Map<String, String> flink = config.toMap();
    HashMap<String, String> aloft = new HashMap<>();
    List<String> ignored = new ArrayList<>();
    java.util.Set<String> known = new java.util.HashSet<>();
    for (ConfigOption<?> option : Plugins.knownOptions()) {
      known.add(option.key());
    }
    // The storage providers' keys (s3.endpoint, azure.account-key, ...) reach Aloft from Flink's
    // configuration as they are: the store that holds Aloft's files is configured there.
    java.util.Set<String> storageKeys = new java.util.HashSet<>();
    for (var provider : SharedPlugins.INSTANCE.fileSystemProviders()) {
      for (ConfigOption<?> option : provider.options()) {
        storageKeys.add(option.key());
      }
    }
    for (Map.Entry<String, String> e : new TreeMap<>(flink).entrySet()) {
      if (e.getKey().startsWith(ForStOptions.PREFIX)) {
        if (known.contains(e.getKey())) {
          aloft.put(e.getKey(), e.getValue());
        } else {
          ignored.add(e.getKey());
        }
      } else if (storageKeys.contains(e.getKey())) {
        aloft.put(e.getKey(), e.getValue());
      }
    }
    if (!ignored.isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Aloft ignores these ForSt keys, which it does not implement: " + String.join(", ", ignored));
    }
    String type = flink.getOrDefault(TYPE_KEY, "forst");
    aloft.put("state.backend.type", type);
    try {
      Plugins.validate(Config.of(aloft));
      SharedPlugins.INSTANCE.backend(Config.of(aloft)); // fails now, naming the module, if it is absent
    } catch (ConfigException e) {
      throw new IllegalConfigurationException(e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalConfigurationException("'" + TYPE_KEY + "': " + e.getMessage(), e);
    }
    String sync = flink.getOrDefault(SYNC_BACKEND_KEY, "hashmap");
    if (sync.equals(AloftStateBackendFactory.class.getName())) {
      throw new IllegalConfigurationException(
          "'" + SYNC_BACKEND_KEY + "' names Aloft's own factory: give a backend for synchronous state"
              + " such as 'hashmap'");
    }
    Configuration forSync = Configuration.fromMap(flink);
    forSync.set(StateBackendOptions.STATE_BACKEND, sync);
    StateBackend syncBackend;
    try {
      syncBackend = StateBackendLoader.loadStateBackendFromConfig(forSync, classLoader, null);
    } catch (org.apache.flink.util.DynamicCodeLoadingException e) {
      throw new IllegalConfigurationException(
          "'" + SYNC_BACKEND_KEY + "': cannot load the state backend '" + sync + "': " + e.getMessage(), e);
    }
    return new AloftStateBackend(aloft, type, syncBackend);
  }

  /** Aloft's configuration as this backend passes it on (before the per-job defaults). */
  Config aloftConfig() {
    return Config.of(aloftKeys);
  }

  @Override
  public String getName() {
    return "AloftStateBackend(" + type + ")";
  }

  @Override
  public boolean supportsAsyncKeyedStateBackend() {
    return true;
  }

  /** A full checkpoint after a {@code NO_CLAIM} restore copies every file into its own directory. */
  @Override
  public boolean supportsNoClaimRestoreMode() {
    return true;
  }

  /** Native savepoints (self-contained copies); Flink 2.3 has no canonical ones for async state. */
  @Override
  public boolean supportsSavepointFormat(SavepointFormatType formatType) {
    return formatType == SavepointFormatType.NATIVE;
  }

  @Override
  public <K> CheckpointableKeyedStateBackend<K> createKeyedStateBackend(
      KeyedStateBackendParameters<K> parameters) throws Exception {
    return syncBackend.createKeyedStateBackend(parameters);
  }

  @Override
  public OperatorStateBackend createOperatorStateBackend(OperatorStateBackendParameters parameters)
      throws Exception {
    return syncBackend.createOperatorStateBackend(parameters);
  }

  @Override
  public <K> AsyncKeyedStateBackend<K> createAsyncKeyedStateBackend(
      KeyedStateBackendParameters<K> parameters) throws Exception {
    Environment env = parameters.getEnv();
    String name = instanceName(parameters.getOperatorIdentifier(), env.getTaskInfo().getIndexOfThisSubtask());
    if (!(env.getCheckpointStorageAccess() instanceof FsCheckpointStorageAccess storage)) {
      throw new IllegalConfigurationException(
          "Aloft's Flink backend needs checkpoints in a file system: set 'execution.checkpointing.dir'"
              + " (checkpoint storage 'filesystem'), not " + env.getCheckpointStorageAccess());
    }
    Config config = configFor(storage, env);
    KeyGroupRange range = parameters.getKeyGroupRange();
    Plugins plugins = SharedPlugins.INSTANCE;
    FileSystems fileSystems = location -> plugins.fileSystem(location, config);
    Restore restore = Restore.of(parameters.getStateHandles(), name);
    Location jobDir = AloftKeyedStateBackend.FlinkPaths.toLocation(storage.getCheckpointsDirectory());
    boolean fromElsewhere =
        restore.parts().stream()
            .anyMatch(part -> !part.checkpointRoot().isBelow(jobDir) && !part.checkpointRoot().equals(jobDir));
    var ttl = parameters.getTtlTimeProvider();
    KeyedStateBackend backend =
        plugins
            .backend(config)
            .create(
                new BackendContext(
                    config,
                    parameters.getNumberOfKeyGroups(),
                    new io.aloft.spi.backend.KeyGroupRange(range.getStartKeyGroup(), range.getEndKeyGroup()),
                    name,
                    fileSystems,
                    () -> Instant.ofEpochMilli(ttl.currentTimestamp()),
                    restore.parts(),
                    FileOwnership.HOST));
    AloftKeyedStateBackend<K> keyed;
    try {
      keyed =
          new AloftKeyedStateBackend<>(
              name,
              backend,
              type,
              config,
              plugins.executorStrategy(config),
              fileSystems,
              range,
              parameters.getNumberOfKeyGroups(),
              parameters.getKeySerializer(),
              env.getExecutionConfig(),
              ttl,
              restore.kinds(),
              restore.sharedFiles(),
              storage.getSharedStateDirectory(),
              fromElsewhere,
              restore.privateFiles());
      ASYNC_BACKENDS_CREATED.incrementAndGet();
      var metrics = parameters.getMetricGroup().addGroup("aloft");
      for (String metric : backend.metrics().keySet()) {
        metrics.gauge(metric, () -> keyed.metrics().getOrDefault(metric, 0L));
      }
    } catch (RuntimeException | Error e) {
      try {
        backend.close();
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return keyed;
  }

  /** A directory name unique to this backend instance: operator, subtask, and a fresh id. */
  private static String instanceName(String operator, int subtask) {
    String clean = operator.replaceAll("[^A-Za-z0-9_.-]", "_");
    if (clean.length() > 60) {
      clean = clean.substring(0, 60);
    }
    return "op_" + clean + "_" + subtask + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Aloft's configuration for one backend: the primary and local directories settled. */
  private Config configFor(FsCheckpointStorageAccess access, Environment env) {
    Config config = Config.of(aloftKeys);
    String primary = config.getString(ForStOptions.PRIMARY_DIR.key()).orElse(ForStOptions.PRIMARY_DIR_CHECKPOINT_DIR);
    if (primary.equals(ForStOptions.PRIMARY_DIR_CHECKPOINT_DIR)) { // Flink's shortcut, and the default
      Location shared = AloftKeyedStateBackend.FlinkPaths.toLocation(access.getSharedStateDirectory());
      config = config.with(ForStOptions.PRIMARY_DIR.key(), shared.resolve("aloft").toString());
    }
    if (!config.contains(ForStOptions.LOCAL_DIR.key())) {
      String[] tmp = env.getTaskManagerInfo().getTmpDirectories();
      config =
          config.with(
              ForStOptions.LOCAL_DIR.key(),
              java.nio.file.Path.of(tmp.length > 0 ? tmp[0] : System.getProperty("java.io.tmpdir"), "aloft").toString());
    }
    return config;
  }

  /**
   * What the restored handles hold, read in one pass: the parts (with the root each one's relative
   * paths refer to), the kinds of their states, their shared files with the ids Flink's registry holds
   * them by, and whether any part has private files (copies a savepoint or full checkpoint owns).
   */
  private record Restore(
      List<RestoredInstance> parts,
      Map<String, String> kinds,
      Map<String, PhysicalStateHandleID> sharedFiles,
      boolean privateFiles) {

    static Restore of(Collection<KeyedStateHandle> handles, String name) throws IOException {
      List<RestoredInstance> parts = new ArrayList<>();
      Map<String, String> kinds = new HashMap<>();
      Map<String, PhysicalStateHandleID> sharedFiles = new HashMap<>();
      boolean privateFiles = false;
      for (KeyedStateHandle handle : handles) {
        if (handle == null) {
          continue;
        }
        if (!(handle instanceof IncrementalRemoteKeyedStateHandle part)) {
          throw new IllegalStateException(
              name + ": cannot restore a " + handle.getClass().getSimpleName() + ": Aloft restores only"
                  + " checkpoints and native savepoints it wrote (was the job's state backend changed?)");
        }
        CheckpointEnvelope envelope;
        try (InputStream in = part.getMetaDataStateHandle().openInputStream()) {
          envelope = CheckpointEnvelope.read(in, String.valueOf(part.getMetaDataStateHandle()));
        }
        kinds.putAll(envelope.stateKinds());
        KeyGroupRange range = part.getKeyGroupRange();
        parts.add(
            new RestoredInstance(
                new io.aloft.spi.backend.KeyGroupRange(range.getStartKeyGroup(), range.getEndKeyGroup()),
                envelope.backendMetadata(),
                rootOf(part, envelope)));
        for (HandleAndLocalPath file : part.getSharedState()) {
          if (file.getHandle() instanceof FileStateHandle f) {
            sharedFiles.put(
                AloftKeyedStateBackend.FlinkPaths.toLocation(f.getFilePath()).toString(),
                f.getStreamStateHandleID());
          }
        }
        privateFiles |= !part.getPrivateState().isEmpty();
      }
      return new Restore(parts, kinds, sharedFiles, privateFiles);
    }
  }

  /** The root the part's files are relative to: a file's path without its relative path. */
  private static Location rootOf(IncrementalRemoteKeyedStateHandle part, CheckpointEnvelope envelope) {
    List<HandleAndLocalPath> files = new ArrayList<>(part.getSharedState());
    files.addAll(part.getPrivateState());
    for (HandleAndLocalPath file : files) {
      if (file.getHandle() instanceof FileStateHandle f) {
        String path = AloftKeyedStateBackend.FlinkPaths.toLocation(f.getFilePath()).toString();
        String suffix = "/" + file.getLocalPath();
        if (path.endsWith(suffix)) {
          return Location.of(path.substring(0, path.length() - suffix.length()));
        }
      }
    }
    return Location.of(envelope.root());
  }

  /** One plugin registry per class loader: storage clients are shared by the backends of a JVM. */
  private static final class SharedPlugins {
    static final Plugins INSTANCE = Plugins.discover();
  }
}
