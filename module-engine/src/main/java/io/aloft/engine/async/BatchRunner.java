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
 * split into {@link ExecutorStrategy#readConcurrency()} multi-gets across the read threads.
 *
 * <p>Across batches, a request waits only for the <em>group</em> (a phase's writes, or one of its read
 * runs) that last touched its conflict key, not for that whole batch: a write a callback issues after
 * its read was delivered finds that read's group finished and runs at once, even while other reads of
 * the earlier batch are still waiting for the store. A batch starts when every group it conflicts with
 * has finished.
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
  /** The last dispatched group touching each conflict key, until it finishes. Task thread only. */
  private final Map<ByteKey, CompletableFuture<Void>> lastGroupOfKey = new HashMap<>();

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

  /** Requests run together, and the future that completes when they have been delivered. */
  private record Group(List<StateRequest<?>> requests, CompletableFuture<Void> done) {
    Group(List<StateRequest<?>> requests) {
      this(requests, new CompletableFuture<>());
    }
  }

  /** A phase: its writes (possibly none), then its read runs. */
  private record Phase(Group writes, List<Group> reads) {}

  /** Starts {@code batch}; its requests come back through {@code deliver}, group by group. */
  void dispatch(List<StateRequest<?>> batch) {
    List<Phase> phases = new ArrayList<>();
    for (List<StateRequest<?>> requests : phases(batch)) {
      phases.add(plan(requests));
    }
    List<CompletableFuture<Void>> before = new ArrayList<>();
    for (StateRequest<?> r : batch) {
      CompletableFuture<Void> previous = lastGroupOfKey.get(r.conflictKey);
      if (previous != null && !previous.isDone()) {
        before.add(previous);
      }
    }
    List<Group> groups = new ArrayList<>();
    for (Phase phase : phases) {
      if (phase.writes() != null) {
        groups.add(phase.writes());
      }
      groups.addAll(phase.reads());
    }
    // Per conflict key, the groups of the last phase that touches it (reads of one key may fall into
    // two neighbouring read runs): a later request of the key waits for all of them.
    Map<ByteKey, List<Group>> lastGroups = sizedFor(batch.size());
    Map<ByteKey, Integer> lastPhase = sizedFor(batch.size());
    for (int p = 0; p < phases.size(); p++) {
      Phase phase = phases.get(p);
      List<Group> phaseGroups = new ArrayList<>(phase.reads());
      if (phase.writes() != null) {
        phaseGroups.add(phase.writes());
      }
      for (Group g : phaseGroups) {
        for (StateRequest<?> r : g.requests()) {
          Integer seen = lastPhase.put(r.conflictKey, p);
          List<Group> list = seen != null && seen == p ? lastGroups.get(r.conflictKey) : null;
          if (list == null) {
            list = new ArrayList<>(1);
            lastGroups.put(r.conflictKey, list);
          }
          if (!list.contains(g)) {
            list.add(g);
          }
        }
      }
    }
    for (Map.Entry<ByteKey, List<Group>> e : lastGroups.entrySet()) {
      List<Group> list = e.getValue();
      if (list.size() == 1) {
        lastGroupOfKey.put(e.getKey(), list.get(0).done());
      } else {
        CompletableFuture<Void> all =
            CompletableFuture.allOf(list.stream().map(Group::done).toArray(CompletableFuture[]::new));
        lastGroupOfKey.put(e.getKey(), all);
        ByteKey key = e.getKey();
        all.whenComplete((v, t) -> toTaskThread.accept(() -> lastGroupOfKey.remove(key, all)));
      }
    }
    CompletableFuture<Void> start =
        before.isEmpty()
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.allOf(before.toArray(CompletableFuture[]::new));
    // An earlier batch's failure is reported by that batch: this one still runs after it.
    CompletableFuture<Void> done =
        start.handle((v, t) -> null).thenComposeAsync(v -> runPhases(phases, 0), executors.coordinator());
    for (Group g : groups) {
      g.done()
          .whenComplete(
              (v, t) ->
                  toTaskThread.accept(
                      () -> {
                        for (StateRequest<?> r : g.requests()) {
                          lastGroupOfKey.remove(r.conflictKey, g.done());
                        }
                      }));
    }
    done.whenComplete(
        (v, t) -> {
          if (t != null) {
            // Groups the failure kept from running must not hold later batches back forever.
            for (Group g : groups) {
              g.done().completeExceptionally(t);
            }
            // Requests of this batch may never be delivered: fail the processor rather than let it
            // wait for them.
            toTaskThread.accept(() -> failed.accept(t));
          }
        });
  }

  /** A phase's writes as one group, and its reads in key order, cut into runs of neighbouring keys. */
  private Phase plan(List<StateRequest<?>> phase) {
    List<StateRequest<?>> writes = new ArrayList<>();
    List<StateRequest<?>> reads = new ArrayList<>();
    for (StateRequest<?> r : phase) {
      (r.kind == RequestKind.WRITE ? writes : reads).add(r);
    }
    List<Group> runs = new ArrayList<>();
    if (!reads.isEmpty()) {
      reads.sort((a, b) -> TableRequest.BY_KEY.compare(a.request, b.request));
      int chunks = Math.max(1, Math.min(executors.readConcurrency(), reads.size()));
      int size = (reads.size() + chunks - 1) / chunks;
      for (int from = 0; from < reads.size(); from += size) {
        runs.add(new Group(new ArrayList<>(reads.subList(from, Math.min(reads.size(), from + size)))));
      }
    }
    return new Phase(writes.isEmpty() ? null : new Group(writes), runs);
  }

  private CompletableFuture<Void> runPhases(List<Phase> phases, int index) {
    if (index == phases.size()) {
      return CompletableFuture.completedFuture(null);
    }
    return runPhase(phases.get(index)).thenCompose(v -> runPhases(phases, index + 1));
  }

  private CompletableFuture<Void> runPhase(Phase phase) {
    CompletableFuture<Void> written =
        phase.writes() == null
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.runAsync(() -> run(phase.writes(), true), executors.writeExecutor());
    return written.thenCompose(v -> runReads(phase.reads()));
  }

  /** Runs a phase's read runs in parallel, each one multi-get of the backend. */
  private CompletableFuture<Void> runReads(List<Group> runs) {
    if (runs.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Void>> running = new ArrayList<>(runs.size());
    for (Group run : runs) {
      running.add(CompletableFuture.runAsync(() -> run(run, false), executors.readExecutor()));
    }
    return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
  }

  /** Executes a group, delivers its requests and marks it done; a failure propagates to the batch. */
  private void run(Group group, boolean writes) {
    try {
      if (writes) {
        TableRequest.runWrites(backend, requests(group.requests()));
      } else {
        TableRequest.runReads(backend, requests(group.requests()));
      }
    } catch (RuntimeException | Error e) {
      group.done().completeExceptionally(e);
      throw e;
    }
    deliver.accept(group.requests());
    group.done().complete(null);
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
    Map<ByteKey, Integer> lastPhase = sizedFor(batch.size());
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
        // The first phase holds most of a batch's keys; later ones (a key read, then written) few.
        kinds.add(kinds.isEmpty() ? sizedFor(batch.size()) : new HashMap<>());
      }
      phases.get(phase).add(r);
      kinds.get(phase).put(r.conflictKey, r.kind);
      lastPhase.put(r.conflictKey, phase);
    }
    return phases;
  }

  /**
   * A map that holds {@code keys} entries without growing: a batch's maps otherwise rehash several
   * times per batch (hundreds of keys), a cost the sync job does not pay.
   */
  private static <K, V> Map<K, V> sizedFor(int keys) {
    return new HashMap<>((int) (keys / 0.75f) + 1);
  }
}
