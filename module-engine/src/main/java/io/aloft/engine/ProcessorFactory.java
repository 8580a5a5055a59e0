package io.aloft.engine;

import io.aloft.config.AloftOptions;
import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.engine.checkpoint.CheckpointException;
import io.aloft.engine.checkpoint.CheckpointStore;
import io.aloft.engine.checkpoint.InstanceCheckpoint;
import io.aloft.engine.plugins.Plugins;
import io.aloft.engine.progress.Progress;
import io.aloft.engine.runtime.KeyedProcessorImpl;
import io.aloft.process.KeySelector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.Output;
import io.aloft.serde.Serializer;
import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.RestoredInstance;
import io.aloft.spi.backend.StateBackendFactory;
import io.aloft.spi.executor.ExecutorSettings;
import io.aloft.spi.executor.ExecutorStrategy;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import io.aloft.state.StateAccessException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Assembles a keyed processor from an {@link Aloft}'s configuration and plugins and what a {@link
 * Aloft.ProcessorBuilder} collected: reads and checks the checkpoint to restore, opens the checkpoint
 * store (created, or restored), creates the backend and the executors, and closes the backend again if
 * the executors cannot be made.
 *
 * <p>Threading: holds no mutable state; {@link #create} runs on the thread that becomes the processor's
 * task thread.
 */
final class ProcessorFactory {
  private final Config config;
  private final Plugins plugins;
  private final StateBackendFactory backendFactory;

  ProcessorFactory(Config config, Plugins plugins, StateBackendFactory backendFactory) {
    this.config = config;
    this.plugins = plugins;
    this.backendFactory = backendFactory;
  }

  /** What a builder collected for one processor instance; {@code restoreFrom} may be null. */
  record Spec<K, IN, OUT>(
      String name,
      KeyedProcessFunction<K, IN, OUT> function,
      KeySelector<IN, K> keySelector,
      Serializer<K> keySerializer,
      Output<OUT> output,
      int subtaskIndex,
      int parallelism,
      InstantSource clock,
      Location restoreFrom) {

    /** {@code <name>-<index>of<parallelism>}: in part, lease and directory names. */
    String instanceName() {
      return name + "-" + subtaskIndex + "of" + parallelism;
    }
  }

  /** Creates the backend and opens the function; see {@link Aloft.ProcessorBuilder#build}. */
  <K, IN, OUT> KeyedProcessor<K, IN, OUT> create(Spec<K, IN, OUT> spec) {
    int maxParallelism = config.get(AloftOptions.MAX_PARALLELISM);
    KeyGroupRange range = KeyGroupRange.forInstance(maxParallelism, spec.parallelism(), spec.subtaskIndex());
    Location root = config.getOptional(AloftOptions.CHECKPOINTING_DIR).map(Location::of).orElse(null);
    long started = System.nanoTime();
    List<InstanceCheckpoint> parts =
        spec.restoreFrom() == null ? null : readCheckpoint(spec.restoreFrom(), spec.name(), maxParallelism);
    // Before anything acts on the checkpoint (taking it over fences the run that wrote it).
    long restoredBytes = parts == null ? 0 : checkFilesExist(spec.restoreFrom(), parts, range, spec.instanceName());
    List<RestoredInstance> restored = new ArrayList<>();
    KeyedProcessorImpl.Restore restore =
        parts == null ? KeyedProcessorImpl.Restore.NONE : restoredParts(spec.restoreFrom(), parts, range, restored);
    CheckpointStore store = openStore(spec, root, parts, maxParallelism, range);
    KeyedStateBackend backend;
    ExecutorStrategy executors;
    try {
      backend = createBackend(spec, maxParallelism, range, restored);
      executors = createExecutors(backend, spec.instanceName());
    } catch (RuntimeException | Error e) {
      if (store != null) {
        store.backendClosed(); // ends this run's lease: the start failed, nothing was written
      }
      throw e;
    }
    return new KeyedProcessorImpl<>(
        new KeyedProcessorImpl.Setup<>(
            spec.instanceName(),
            spec.function(),
            spec.keySelector(),
            spec.keySerializer(),
            spec.output(),
            backend,
            maxParallelism,
            spec.subtaskIndex(),
            spec.parallelism(),
            spec.clock(),
            executors,
            asyncSettings(),
            new KeyedProcessorImpl.CheckpointSettings(
                root,
                config.get(AloftOptions.CHECKPOINTING_INCREMENTAL),
                store,
                location -> plugins.fileSystem(location, config),
                backendFactory.type()),
            restore,
            new KeyedProcessorImpl.MetricsSettings(
                config.get(AloftOptions.METRICS_JMX),
                parts == null ? 0 : Math.max(1, (System.nanoTime() - started) / 1_000_000),
                restoredBytes)));
  }

  // ----------------------------------------------------------------------------------------- restore

  /**
   * Reads every part of the checkpoint and checks that it is complete and can be restored here
   * (same max parallelism, same backend).
   */
  private List<InstanceCheckpoint> readCheckpoint(Location restoreFrom, String name, int maxParallelism) {
    List<InstanceCheckpoint> parts;
    try {
      parts = CheckpointStore.readComplete(plugins.fileSystem(restoreFrom, config), restoreFrom, name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + restoreFrom + ": " + e.getMessage(), e);
    }
    for (InstanceCheckpoint part : parts) {
      if (part.maxParallelism() != maxParallelism) {
        throw new ConfigException(
            AloftOptions.MAX_PARALLELISM.key(),
            "Checkpoint " + restoreFrom + " was taken with " + AloftOptions.MAX_PARALLELISM.key() + " "
                + part.maxParallelism() + "; it cannot be restored with " + maxParallelism
                + " (key groups would not line up)");
      }
      if (!part.backendType().equals(backendFactory.type())) {
        throw new ConfigException(
            AloftOptions.STATE_BACKEND_TYPE.key(),
            "Checkpoint " + restoreFrom + " was taken by the '" + part.backendType()
                + "' backend; it cannot be restored by '" + backendFactory.type() + "'");
      }
    }
    return parts;
  }

  /** The parts overlapping {@code range}, for the backend ({@code restored}); their state formats and timers. */
  private static KeyedProcessorImpl.Restore restoredParts(
      Location restoreFrom, List<InstanceCheckpoint> parts, KeyGroupRange range, List<RestoredInstance> restored) {
    Map<String, String> formats = new LinkedHashMap<>();
    List<InstanceCheckpoint.Timer> timers = new ArrayList<>();
    for (InstanceCheckpoint part : parts) {
      KeyGroupRange theirs = part.keyGroupRange();
      if (!theirs.overlaps(range)) {
        continue;
      }
      restored.add(new RestoredInstance(theirs, part.backendMetadata(), restoreFrom.parent()));
      formats.putAll(part.stateFormats());
      timers.addAll(part.timers());
    }
    // A keyed job gives every part the same position; parts that disagree (hand-routed instances
    // checkpointed with their own positions) give none.
    long position = parts.get(0).inputPosition();
    for (InstanceCheckpoint part : parts) {
      if (part.inputPosition() != position) {
        position = InstanceCheckpoint.NO_POSITION;
      }
    }
    return new KeyedProcessorImpl.Restore(formats, timers, position);
  }

  /**
   * This run's checkpoint store: created in {@code root} (null without one), or restored from the
   * checkpoint whose {@code parts} were read, once its files are known to be there.
   */
  private CheckpointStore openStore(
      Spec<?, ?, ?> spec, Location root, List<InstanceCheckpoint> parts, int maxParallelism, KeyGroupRange range) {
    Location restoreFrom = spec.restoreFrom();
    int numRetained = config.get(AloftOptions.CHECKPOINTING_NUM_RETAINED);
    try {
      StateFileSystem rootFs = root == null ? null : plugins.fileSystem(root, config);
      if (parts == null) {
        return root == null
            ? null
            : CheckpointStore.create(rootFs, root, spec.name(), spec.instanceName(), maxParallelism, range, numRetained);
      }
      return CheckpointStore.restore(
          plugins.fileSystem(restoreFrom, config),
          restoreFrom,
          parts,
          rootFs,
          root,
          spec.name(),
          spec.instanceName(),
          maxParallelism,
          range,
          numRetained);
    } catch (IOException e) {
      Location where = restoreFrom != null ? restoreFrom : root;
      throw new UncheckedIOException(
          (restoreFrom != null ? "cannot restore checkpoint " : "cannot open checkpoint storage ") + where
              + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Checks that every file the parts overlapping {@code range} list is in storage, with one listing
   * per directory they name (not a request per file), so that a restore with missing files fails here,
   * naming all of them, rather than when a record first reads a key that was in one. Reports its
   * progress ({@link Progress}) and returns the bytes of the files.
   */
  private long checkFilesExist(Location restoreFrom, List<InstanceCheckpoint> parts, KeyGroupRange range, String instance) {
    Location root = restoreFrom.parent();
    Map<Location, Set<String>> byDirectory = new TreeMap<>(Comparator.comparing(Location::toString));
    int total = 0;
    for (InstanceCheckpoint part : parts) {
      if (!part.keyGroupRange().overlaps(range)) {
        continue;
      }
      for (String file : part.files()) {
        Location location = root.resolve(file);
        if (byDirectory.computeIfAbsent(location.parent(), d -> new TreeSet<>()).add(location.fileName())) {
          total++;
        }
      }
    }
    Progress progress = Progress.start("restore of " + restoreFrom + " (" + instance + ")", total, 0);
    List<String> missing = new ArrayList<>();
    long bytes = 0;
    try {
      StateFileSystem fs = plugins.fileSystem(restoreFrom, config);
      for (Map.Entry<Location, Set<String>> e : byDirectory.entrySet()) {
        Map<String, Long> present = new HashMap<>();
        try {
          for (FileEntry entry : fs.list(e.getKey())) {
            present.put(entry.location().fileName(), entry.length());
          }
        } catch (NoSuchFileException absent) {
          // the whole directory is gone: every file in it is missing
        }
        long directoryBytes = 0;
        for (String name : e.getValue()) {
          Long length = present.get(name);
          if (length == null) {
            missing.add(e.getKey().resolve(name).toString());
          } else {
            directoryBytes += length;
          }
        }
        bytes += directoryBytes;
        progress.advance(e.getValue().size(), directoryBytes);
      }
      if (!missing.isEmpty()) {
        throw new CheckpointException(
            missing.size() + " file(s) the checkpoint lists are missing from storage: "
                + String.join(", ", missing));
      }
    } catch (IOException | RuntimeException e) {
      progress.fail();
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new UncheckedIOException("cannot restore checkpoint " + restoreFrom + ": " + e.getMessage(), (IOException) e);
    }
    progress.finish();
    return bytes;
  }

  // ------------------------------------------------------------------------------- backend, executors

  private KeyedStateBackend createBackend(
      Spec<?, ?, ?> spec, int maxParallelism, KeyGroupRange range, List<RestoredInstance> restored) {
    try {
      return backendFactory.create(
          new BackendContext(
              config,
              maxParallelism,
              range,
              spec.instanceName(),
              location -> plugins.fileSystem(location, config),
              spec.clock(),
              restored));
    } catch (IOException e) {
      throw new StateAccessException(
          "cannot create the '" + backendFactory.type() + "' backend of " + spec.instanceName() + ": " + e,
          e);
    }
  }

  /**
   * The executors of a backend that prefers asynchronous execution, or null. If they cannot be made,
   * the backend is closed before the failure is thrown.
   */
  private ExecutorStrategy createExecutors(KeyedStateBackend backend, String instanceName) {
    if (!backend.prefersAsyncExecution()) {
      return null;
    }
    try {
      return plugins
          .executorStrategy(config)
          .create(
              new ExecutorSettings(
                  config.get(ForStOptions.EXECUTOR_READ_IO_PARALLELISM),
                  config.get(ForStOptions.EXECUTOR_WRITE_IO_PARALLELISM),
                  config.get(ForStOptions.EXECUTOR_INLINE_WRITE),
                  config.get(ForStOptions.EXECUTOR_INLINE_COORDINATOR),
                  "aloft-" + instanceName));
    } catch (RuntimeException e) {
      try {
        backend.close();
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private KeyedProcessorImpl.AsyncSettings asyncSettings() {
    return new KeyedProcessorImpl.AsyncSettings(
        config.get(AloftOptions.ASYNC_ACTIVE_BUFFER_SIZE),
        config.get(AloftOptions.ASYNC_ACTIVE_BUFFER_TIMEOUT).toNanos(),
        config.get(AloftOptions.ASYNC_TOTAL_BUFFER_SIZE));
  }
}
