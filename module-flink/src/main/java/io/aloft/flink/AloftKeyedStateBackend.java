package io.aloft.flink;

import io.aloft.config.Config;
import io.aloft.engine.ForStOptions;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.SnapshotRequest;
import io.aloft.spi.backend.SnapshotResult;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import io.aloft.spi.executor.ExecutorSettings;
import io.aloft.spi.executor.ExecutorStrategyFactory;
import io.aloft.spi.fs.FileSystems;
import io.aloft.spi.fs.Location;
import io.aloft.state.StateDescriptor.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableFuture;
import javax.annotation.Nonnull;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.state.v2.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.v2.MapStateDescriptor;
import org.apache.flink.api.common.state.v2.ReducingStateDescriptor;
import org.apache.flink.api.common.state.v2.State;
import org.apache.flink.api.common.state.v2.StateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.asyncprocessing.StateExecutor;
import org.apache.flink.runtime.asyncprocessing.StateRequestHandler;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.checkpoint.SnapshotType;
import org.apache.flink.runtime.state.AsyncKeyedStateBackend;
import org.apache.flink.runtime.state.CheckpointStateOutputStream;
import org.apache.flink.runtime.state.CheckpointStreamFactory;
import org.apache.flink.runtime.state.CheckpointedStateScope;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupedInternalPriorityQueue;
import org.apache.flink.runtime.state.Keyed;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.PhysicalStateHandleID;
import org.apache.flink.runtime.state.PlaceholderStreamStateHandle;
import org.apache.flink.runtime.state.PriorityComparable;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.filesystem.FsCheckpointStorageLocation;
import org.apache.flink.runtime.state.heap.HeapPriorityQueueElement;
import org.apache.flink.runtime.state.heap.HeapPriorityQueueSetFactory;
import org.apache.flink.runtime.state.ttl.TtlTimeProvider;
import org.apache.flink.runtime.state.v2.internal.InternalKeyedState;
import org.apache.flink.runtime.state.v2.ttl.TtlStateFactory;

/**
 * One keyed operator subtask's asynchronous state in an Aloft backend ({@code forst} by default).
 * Flink's states are {@link AloftStates}, each over one Aloft table; {@link AloftStateExecutor} serves
 * their requests. Timers are Flink's heap priority queues, written by Flink into raw keyed state at
 * each checkpoint, as with Flink's own ForSt backend.
 *
 * <p>Checkpoints: the Aloft backend runs in the host-owned file mode ({@link
 * io.aloft.spi.backend.FileOwnership#HOST}). A snapshot lists the backend's files relative to the
 * job's checkpoint directory and returns them as the shared state of an {@link
 * IncrementalRemoteKeyedStateHandle}, so Flink's shared-state registry deletes each file when no
 * retained checkpoint needs it, and Aloft never does; files copied into the checkpoint's own
 * directory (a full checkpoint, a savepoint) are its private state. Restore opens the named files in
 * place.
 *
 * <p>Threading: created and driven on the task thread; the executor's threads serve requests.
 */
final class AloftKeyedStateBackend<K> implements AsyncKeyedStateBackend<K> {

  private static final System.Logger LOG = System.getLogger(AloftKeyedStateBackend.class.getName());

  private final String name;
  private final KeyedStateBackend backend;
  private final String backendType;
  private final Config config;
  private final ExecutorStrategyFactory executors;
  private final FileSystems fileSystems;
  private final KeyGroupRange keyGroupRange;
  private final ExecutionConfig executionConfig;
  private final TtlTimeProvider ttlTimeProvider;
  private final RowCodec<K> codec;
  private final HeapPriorityQueueSetFactory timers;
  private final UUID backendId = UUID.randomUUID();
  /** Kinds of the states a restored checkpoint had, by state id: a state registered again must match. */
  private final Map<String, String> restoredKinds;
  private final Map<String, InternalKeyedState<K, ?, ?>> states = new HashMap<>();
  private final Map<String, String> kinds = new LinkedHashMap<>();
  /**
   * Files a completed checkpoint (or the restored one) named: Flink's registry has them, so a later
   * checkpoint names them by a placeholder. A discarded pending checkpoint deletes the files its
   * handle names outright, never placeholders, so these stay safe when a checkpoint is aborted.
   */
  private final Map<String, PhysicalStateHandleID> confirmed = new ConcurrentHashMap<>();
  /** The files each pending checkpoint named, by checkpoint id, until it completes or is aborted. */
  private final Map<Long, Map<String, PhysicalStateHandleID>> namedBy = new ConcurrentHashMap<>();
  /** Sizes of the files named so far (files never change), so each is measured once. */
  private final Map<String, Long> fileSizes = new ConcurrentHashMap<>();
  private final List<StateExecutor> stateExecutors = new ArrayList<>();
  private StateRequestHandler handler;
  private boolean disposed;
  /** Flink's shared-state directory of this job: where copies a checkpoint shares are written. */
  private final org.apache.flink.core.fs.Path sharedDir;
  /** Whether a restored part came from another job's directory (or a savepoint). */
  private final boolean restoredFromElsewhere;
  /** Whether a restored part has private files (copies a savepoint or full checkpoint owns). */
  private final boolean restoredPrivateFiles;
  /** After a restore from elsewhere: whether Flink claimed that snapshot; null until the first checkpoint. */
  private Boolean claimed;

  AloftKeyedStateBackend(
      String name,
      KeyedStateBackend backend,
      String backendType,
      Config config,
      ExecutorStrategyFactory executors,
      FileSystems fileSystems,
      KeyGroupRange keyGroupRange,
      int numberOfKeyGroups,
      TypeSerializer<K> keySerializer,
      ExecutionConfig executionConfig,
      TtlTimeProvider ttlTimeProvider,
      Map<String, String> restoredKinds,
      Map<String, PhysicalStateHandleID> restoredSharedFiles,
      org.apache.flink.core.fs.Path sharedDir,
      boolean restoredFromElsewhere,
      boolean restoredPrivateFiles) {
    this.sharedDir = sharedDir;
    this.restoredFromElsewhere = restoredFromElsewhere;
    this.restoredPrivateFiles = restoredPrivateFiles;
    this.name = name;
    this.backend = backend;
    this.backendType = backendType;
    this.config = config;
    this.executors = executors;
    this.fileSystems = fileSystems;
    this.keyGroupRange = keyGroupRange;
    this.executionConfig = executionConfig;
    this.ttlTimeProvider = ttlTimeProvider;
    this.codec = new RowCodec<>(keySerializer);
    this.timers = new HeapPriorityQueueSetFactory(keyGroupRange, numberOfKeyGroups, 128);
    this.restoredKinds = Map.copyOf(restoredKinds);
    this.confirmed.putAll(restoredSharedFiles);
  }

  @Override
  public void setup(@Nonnull StateRequestHandler stateRequestHandler) {
    this.handler = stateRequestHandler;
  }

  // ------------------------------------------------------------------------------------------ states

  @Override
  @SuppressWarnings("unchecked")
  public <N, S extends State, SV> S getOrCreateKeyedState(
      N defaultNamespace, TypeSerializer<N> namespaceSerializer, StateDescriptor<SV> descriptor)
      throws Exception {
    InternalKeyedState<K, ?, ?> state = states.get(descriptor.getStateId());
    if (state == null) {
      if (!descriptor.isSerializerInitialized()) {
        descriptor.initializeSerializerUnlessSet(executionConfig);
      }
      state =
          TtlStateFactory.createStateAndWrapWithTtlIfEnabled(
              defaultNamespace, namespaceSerializer, descriptor, this, ttlTimeProvider);
      states.put(descriptor.getStateId(), state);
    }
    return (S) state;
  }

  @Override
  @Nonnull
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <N, S extends InternalKeyedState, SV> S createStateInternal(
      @Nonnull N defaultNamespace,
      @Nonnull TypeSerializer<N> namespaceSerializer,
      @Nonnull StateDescriptor<SV> descriptor)
      throws Exception {
    if (handler == null) {
      throw new IllegalStateException(name + ": setup(handler) must come before states are created");
    }
    String id = descriptor.getStateId();
    String kind = descriptor.getType().name();
    String before = restoredKinds.get(id);
    if (before != null && !before.equals(kind)) {
      throw new org.apache.flink.util.StateMigrationException(
          "state '" + id + "' was a " + before + " state in the restored checkpoint and is registered"
              + " as a " + kind + " state now");
    }
    kinds.put(id, kind);
    StateTable table = backend.table(new TableSpec(id, aloftKind(descriptor.getType()), Optional.empty()));
    TypeSerializer<SV> serializer = descriptor.getSerializer();
    StateRows rows = new StateRows<>(id, table, codec, defaultNamespace, namespaceSerializer, serializer);
    State state =
        switch (descriptor.getType()) {
          case VALUE -> new AloftStates.Value<>(handler, serializer, rows);
          case LIST -> new AloftStates.List<>(handler, serializer, rows);
          case MAP ->
              new AloftStates.Map<>(
                  handler,
                  serializer,
                  ((MapStateDescriptor) descriptor).getUserKeySerializer(),
                  rows);
          case REDUCING ->
              new AloftStates.Reducing<>(
                  handler, ((ReducingStateDescriptor) descriptor).getReduceFunction(), serializer, rows);
          case AGGREGATING ->
              new AloftStates.Aggregating<>(
                  handler,
                  ((AggregatingStateDescriptor) descriptor).getAggregateFunction(),
                  serializer,
                  rows);
        };
    return (S) state;
  }

  private static Kind aloftKind(StateDescriptor.Type type) {
    return switch (type) {
      case VALUE -> Kind.VALUE;
      case LIST -> Kind.LIST;
      case MAP -> Kind.MAP;
      case REDUCING -> Kind.REDUCING;
      case AGGREGATING -> Kind.AGGREGATING;
    };
  }

  @Override
  @Nonnull
  public StateExecutor createStateExecutor() {
    if (disposed) {
      throw new IllegalStateException(name + " is disposed");
    }
    StateExecutor executor =
        new AloftStateExecutor(
            backend,
            executors.create(
                new ExecutorSettings(
                    config.get(ForStOptions.EXECUTOR_READ_IO_PARALLELISM),
                    config.get(ForStOptions.EXECUTOR_WRITE_IO_PARALLELISM),
                    config.get(ForStOptions.EXECUTOR_INLINE_WRITE),
                    config.get(ForStOptions.EXECUTOR_INLINE_COORDINATOR),
                    "aloft-flink-" + name)),
            name);
    stateExecutors.add(executor);
    return executor;
  }

  @Override
  public KeyGroupRange getKeyGroupRange() {
    return keyGroupRange;
  }

  @Override
  public String getBackendTypeIdentifier() {
    return "aloft-" + backendType;
  }

  // ------------------------------------------------------------------------------------------ timers

  @Override
  @Nonnull
  public <T extends HeapPriorityQueueElement & PriorityComparable<? super T> & Keyed<?>>
      KeyGroupedInternalPriorityQueue<T> create(
          @Nonnull String stateName, @Nonnull TypeSerializer<T> byteOrderedElementSerializer) {
    return timers.create(stateName, byteOrderedElementSerializer);
  }

  @Override
  @Nonnull
  public <T extends HeapPriorityQueueElement & PriorityComparable<? super T> & Keyed<?>>
      KeyGroupedInternalPriorityQueue<T> create(
          @Nonnull String stateName,
          @Nonnull TypeSerializer<T> byteOrderedElementSerializer,
          boolean allowFutureMetadataUpdates) {
    return timers.create(stateName, byteOrderedElementSerializer, allowFutureMetadataUpdates);
  }

  // ------------------------------------------------------------------------------------- checkpoints

  /**
   * The synchronous part makes the backend's state durable and lists its files (for {@code forst}: a
   * flush); the asynchronous part measures new files and writes the part's metadata.
   */
  @Override
  @Nonnull
  public RunnableFuture<org.apache.flink.runtime.state.SnapshotResult<KeyedStateHandle>> snapshot(
      long checkpointId,
      long timestamp,
      @Nonnull CheckpointStreamFactory streamFactory,
      @Nonnull CheckpointOptions options)
      throws Exception {
    if (!(streamFactory instanceof FsCheckpointStorageLocation location)) {
      throw new IllegalStateException(
          name + ": Aloft's Flink backend needs checkpoints in a file system"
              + " ('execution.checkpointing.dir' / 'execution.checkpointing.storage: filesystem'), not "
              + streamFactory.getClass().getSimpleName());
    }
    SnapshotType.SharingFilesStrategy sharing = options.getCheckpointType().getSharingFilesStrategy();
    Location chkDir = FlinkPaths.toLocation(location.getCheckpointDirectory());
    Location jobDir = chkDir.parent();
    boolean selfContained =
        options.getCheckpointType().isSavepoint()
            || sharing == SnapshotType.SharingFilesStrategy.NO_SHARING;
    if (claimed == null && restoredFromElsewhere && !selfContained) {
      // The first checkpoint after a restore tells the claim mode: NO_CLAIM forces a full one (a
      // savepoint before it says nothing).
      claimed = sharing == SnapshotType.SharingFilesStrategy.FORWARD_BACKWARD;
      if (claimed && restoredPrivateFiles) {
        throw new IllegalStateException(
            name + ": restored in CLAIM mode from a snapshot whose files are its private copies (a"
                + " savepoint or a full checkpoint): Flink deletes those with the snapshot while this"
                + " backend still reads them. Restore it with 'execution.state-recovery.claim-mode:"
                + " NO_CLAIM'");
      }
    }
    Location root;
    Location copies;
    boolean shareFiles;
    if (selfContained) {
      // A savepoint owns copies of every file, in its own directory: private state.
      root = chkDir;
      copies = chkDir;
      shareFiles = false;
    } else {
      // Files are named relative to the job's directory (<base>/<job id>); after a CLAIM restore,
      // relative to the base, so that the claimed checkpoint's files, which this backend reads in
      // place, are named in place and Flink's registry keeps them while they are. Files outside the
      // root (restored in NO_CLAIM mode: Flink must not delete them) are copied, and the copies are
      // shared state, so a restore from this checkpoint reads files that outlive it. A full checkpoint
      // (FORWARD: the first after a NO_CLAIM restore) copies every file.
      root = Boolean.TRUE.equals(claimed) ? jobDir.parent() : jobDir;
      copies = FlinkPaths.toLocation(sharedDir).resolve("aloft-copies/" + name + "/chk-" + checkpointId);
      shareFiles = sharing == SnapshotType.SharingFilesStrategy.FORWARD_BACKWARD;
    }
    SnapshotResult result =
        backend.snapshot(new SnapshotRequest(checkpointId, root, copies, shareFiles));
    Map<String, String> kindsNow = new LinkedHashMap<>(restoredKinds);
    kindsNow.putAll(kinds);
    return new FutureTask<>(
        () -> {
          List<HandleAndLocalPath> shared = new ArrayList<>();
          List<HandleAndLocalPath> own = new ArrayList<>();
          // "" when every file is in the checkpoint's own directory
          String inCheckpoint = selfContained ? "" : chkDir.relativeTo(root) + "/";
          long newBytes = 0;
          Map<String, PhysicalStateHandleID> named = new HashMap<>();
          for (String relative : result.files()) {
            Location file = root.resolve(relative);
            boolean measured = fileSizes.containsKey(file.toString());
            long size = sizeOf(file);
            FileStateHandle fileHandle = new FileStateHandle(FlinkPaths.toPath(file), size);
            if (relative.startsWith(inCheckpoint)) {
              own.add(HandleAndLocalPath.of(fileHandle, relative)); // a copy: deleted with this checkpoint
              newBytes += size;
            } else {
              // The backend's file: Flink's registry counts the checkpoints naming it. One a completed
              // checkpoint named already goes by a placeholder, which a discarded checkpoint never
              // deletes.
              // (Its id as the registry knows it: the id of the handle that registered it first.)
              PhysicalStateHandleID registered = confirmed.get(file.toString());
              shared.add(
                  HandleAndLocalPath.of(
                      registered != null
                          ? new PlaceholderStreamStateHandle(registered, size, false)
                          : fileHandle,
                      relative));
              named.put(
                  file.toString(), registered != null ? registered : fileHandle.getStreamStateHandleID());
              newBytes += measured ? 0 : size;
            }
          }
          namedBy.put(checkpointId, named);
          byte[] envelope =
              new CheckpointEnvelope(root.toString(), kindsNow, result.metadata()).toBytes();
          StreamStateHandle meta;
          try (CheckpointStateOutputStream out =
              streamFactory.createCheckpointStateOutputStream(CheckpointedStateScope.EXCLUSIVE)) {
            out.write(envelope);
            meta = out.closeAndGetHandle();
          }
          return org.apache.flink.runtime.state.SnapshotResult.of(
              new IncrementalRemoteKeyedStateHandle(
                  backendId,
                  keyGroupRange,
                  checkpointId,
                  shared,
                  own,
                  meta,
                  newBytes + envelope.length));
        });
  }

  private long sizeOf(Location file) throws IOException {
    Long known = fileSizes.get(file.toString());
    if (known != null) {
      return known;
    }
    long size = fileSystems.forLocation(file).newInputFile(file).length();
    fileSizes.put(file.toString(), size);
    return size;
  }

  /** What the checkpoint named is now in Flink's registry; what older pending ones named never will be. */
  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    Map<String, PhysicalStateHandleID> named = namedBy.remove(checkpointId);
    if (named != null) {
      confirmed.putAll(named);
    }
    namedBy.keySet().removeIf(id -> id < checkpointId);
  }

  @Override
  public void notifyCheckpointAborted(long checkpointId) {
    namedBy.remove(checkpointId);
  }

  /** Flink deletes what the subsumed checkpoint alone named; Aloft only drops its own references. */
  @Override
  public void notifyCheckpointSubsumed(long checkpointId) throws Exception {
    backend.checkpointSubsumed(checkpointId);
  }

  // --------------------------------------------------------------------------------------- lifecycle

  /** The backend's metrics now (for Flink's metric group). */
  Map<String, Long> metrics() {
    return backend.metrics();
  }

  /**
   * Closes the backend: its working files that no checkpoint named are deleted; files a checkpoint
   * named are Flink's.
   */
  @Override
  public void dispose() {
    if (disposed) {
      return;
    }
    disposed = true;
    for (StateExecutor executor : stateExecutors) {
      executor.shutdown();
    }
    try {
      backend.close();
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, name + ": closing the Aloft backend failed", e);
    }
  }

  @Override
  public void close() {
    dispose();
  }

  /** Helpers between Flink's paths and Aloft's locations. */
  static final class FlinkPaths {
    private FlinkPaths() {}

    /**
     * Flink writes a path without authority as {@code scheme:/path} (it drops the empty authority of
     * {@code scheme:///path}); Aloft's locations keep it, so the parts are taken one by one.
     */
    static Location toLocation(Path path) {
      java.net.URI uri = path.toUri();
      if (uri.getScheme() != null && uri.getRawAuthority() == null) {
        return Location.of(uri.getScheme() + "://" + uri.getRawPath());
      }
      return Location.of(uri.toString());
    }

    static Path toPath(Location location) {
      return new Path(location.toString());
    }
  }
}
