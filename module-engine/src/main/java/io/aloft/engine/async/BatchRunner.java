package io.aloft.engine.async;

import io.aloft.engine.keyedstate.RequestKind;
import io.aloft.engine.keyedstate.TableRequest;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.executor.ExecutorStrategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Executes batches of state requests on the executor strategy's threads.
 *
 * <p>A batch is split into phases so that no key's calls are reordered: a phase holds, per conflict key
 * (state and record key), only reads or only writes; a request that would mix them starts the next
 * phase. Each phase runs its writes first, as one backend write batch, then its reads in key order,
 * split into {@link ExecutorStrategy#readConcurrency()} multi-gets across the read threads. Batches run
 * concurrently with each other unless they share a conflict key, in which case the later one waits.
 *
 * <p>Threading: {@link #dispatch} runs on the task thread; phases run on the strategy's threads;
 * finished requests go back to the task thread through {@code deliver}.
 */
final class BatchRunner {
  private final KeyedStateBackend backend;
  private final ExecutorStrategy executors;
  private final Consumer<List<StateRequest<?>>> deliver;
  private final Consumer<Runnable> toTaskThread;
  /** Told, on the task thread, when a batch failed outside its requests (an Error, a rejected task). */
  private final Consumer<Throwable> failed;
  /** The last dispatched batch touching each conflict key, until it finishes. Task thread only. */
  private final Map<ByteKey, CompletableFuture<Void>> lastBatchOfKey = new HashMap<>();

  BatchRunner(
      KeyedStateBackend backend,
      ExecutorStrategy executors,
      Consumer<List<StateRequest<?>>> deliver,
      Consumer<Runnable> toTaskThread,
      Consumer<Throwable> failed) {
    this.backend = backend;
    this.executors = executors;
    this.deliver = deliver;
    this.toTaskThread = toTaskThread;
    this.failed = failed;
  }

  /** Starts {@code batch}; its requests come back through {@code deliver}, phase by phase. */
  void dispatch(List<StateRequest<?>> batch) {
    List<List<StateRequest<?>>> phases = phases(batch);
    List<CompletableFuture<Void>> before = new ArrayList<>();
    for (StateRequest<?> r : batch) {
      CompletableFuture<Void> previous = lastBatchOfKey.get(r.conflictKey);
      if (previous != null && !previous.isDone()) {
        before.add(previous);
      }
    }
    CompletableFuture<Void> start =
        before.isEmpty()
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.allOf(before.toArray(CompletableFuture[]::new));
    // An earlier batch's failure is reported by that batch: this one still runs after it.
    CompletableFuture<Void> done =
        start.handle((v, t) -> null).thenComposeAsync(v -> runPhases(phases, 0), executors.coordinator());
    for (StateRequest<?> r : batch) {
      lastBatchOfKey.put(r.conflictKey, done);
    }
    done.whenComplete(
        (v, t) ->
            toTaskThread.accept(
                () -> {
                  for (StateRequest<?> r : batch) {
                    lastBatchOfKey.remove(r.conflictKey, done);
                  }
                  if (t != null) {
                    // Requests of this batch may never be delivered: fail the processor rather than
                    // let it wait for them.
                    failed.accept(t);
                  }
                }));
  }

  private CompletableFuture<Void> runPhases(List<List<StateRequest<?>>> phases, int index) {
    if (index == phases.size()) {
      return CompletableFuture.completedFuture(null);
    }
    return runPhase(phases.get(index)).thenCompose(v -> runPhases(phases, index + 1));
  }

  private CompletableFuture<Void> runPhase(List<StateRequest<?>> phase) {
    List<StateRequest<?>> writes = new ArrayList<>();
    List<StateRequest<?>> reads = new ArrayList<>();
    for (StateRequest<?> r : phase) {
      (r.kind == RequestKind.WRITE ? writes : reads).add(r);
    }
    CompletableFuture<Void> written =
        writes.isEmpty()
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.runAsync(() -> runWrites(writes), executors.writeExecutor());
    return written.thenCompose(v -> runReads(reads));
  }

  private void runWrites(List<StateRequest<?>> writes) {
    TableRequest.runWrites(backend, requests(writes));
    deliver.accept(writes);
  }

  /**
   * Runs a phase's reads in key order, split into {@link ExecutorStrategy#readConcurrency()} runs of
   * neighbouring keys that run in parallel, each one multi-get of the backend.
   */
  private CompletableFuture<Void> runReads(List<StateRequest<?>> reads) {
    if (reads.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<StateRequest<?>> sorted = new ArrayList<>(reads);
    sorted.sort((a, b) -> TableRequest.BY_KEY.compare(a.request, b.request));
    int chunks = Math.max(1, Math.min(executors.readConcurrency(), sorted.size()));
    int size = (sorted.size() + chunks - 1) / chunks;
    List<CompletableFuture<Void>> running = new ArrayList<>(chunks);
    for (int from = 0; from < sorted.size(); from += size) {
      List<StateRequest<?>> chunk = sorted.subList(from, Math.min(sorted.size(), from + size));
      running.add(
          CompletableFuture.runAsync(
              () -> {
                TableRequest.runReads(backend, requests(chunk));
                deliver.accept(new ArrayList<>(chunk));
              },
              executors.readExecutor()));
    }
    return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
  }

  private static List<TableRequest<?>> requests(List<StateRequest<?>> inFlight) {
    List<TableRequest<?>> requests = new ArrayList<>(inFlight.size());
    for (StateRequest<?> r : inFlight) {
      requests.add(r.request);
    }
    return requests;
  }

  /** Splits a batch so that, per conflict key, a phase holds only reads or only writes. */
  static List<List<StateRequest<?>>> phases(List<StateRequest<?>> batch) {
    List<List<StateRequest<?>>> phases = new ArrayList<>();
    List<Map<ByteKey, RequestKind>> kinds = new ArrayList<>();
    Map<ByteKey, Integer> lastPhase = new HashMap<>();
    for (StateRequest<?> r : batch) {
      Integer last = lastPhase.get(r.conflictKey);
      int phase;
      if (last == null) {
        phase = 0;
      } else if (kinds.get(last).get(r.conflictKey) == r.kind) {
        // Consecutive reads of a key may run in any order; consecutive writes keep their order
        // inside the phase's write batch.
        phase = last;
      } else {
        phase = last + 1;
      }
      while (phases.size() <= phase) {
        phases.add(new ArrayList<>());
        kinds.add(new HashMap<>());
      }
      phases.get(phase).add(r);
      kinds.get(phase).put(r.conflictKey, r.kind);
      lastPhase.put(r.conflictKey, phase);
    }
    return phases;
  }
}
