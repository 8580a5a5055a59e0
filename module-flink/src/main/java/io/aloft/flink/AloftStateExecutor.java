package io.aloft.flink;

import io.aloft.flink.AloftStates.AloftState;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.RowGet;
import io.aloft.spi.backend.RowWrite;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.executor.ExecutorStrategy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.asyncprocessing.InternalAsyncFuture;
import org.apache.flink.runtime.asyncprocessing.AsyncRequestContainer;
import org.apache.flink.runtime.asyncprocessing.StateExecutor;
import org.apache.flink.runtime.asyncprocessing.StateRequest;
import org.apache.flink.runtime.asyncprocessing.StateRequestType;
import org.apache.flink.runtime.state.v2.AbstractKeyedState;

/**
 * Serves the state requests of Flink's asynchronous execution controller with Aloft's batch path: a
 * batch's point reads become one multi-get (split into sorted runs read in parallel on Aloft's read
 * threads), its writes one write batch, its map iterations paged prefix scans.
 *
 * <p>Order: requests of different keys are independent, but one record may issue several requests
 * without chaining them. They take effect in issue order: the batch is cut into generations so that,
 * for each key, every read of a generation was issued before every write of it; a generation's reads
 * run, then its writes.
 *
 * <p>Threading: batches are planned and completed on Aloft's coordinator thread; a synchronous
 * request runs on the task thread. A batch that fails fails every request in it that was not yet
 * answered, and every later batch.
 */
final class AloftStateExecutor implements StateExecutor {

  /** Rows of a map iteration per page. */
  static final int PAGE = 256;

  private final KeyedStateBackend backend;
  private final ExecutorStrategy threads;
  private final String name;
  private final AtomicInteger ongoing = new AtomicInteger();
  private volatile Throwable failure;
  private volatile boolean shutdown;

  AloftStateExecutor(KeyedStateBackend backend, ExecutorStrategy threads, String name) {
    this.backend = backend;
    this.threads = threads;
    this.name = name;
  }

  @Override
  public AsyncRequestContainer<StateRequest<?, ?, ?, ?>> createRequestContainer() {
    return new Batch();
  }

  @Override
  public CompletableFuture<Void> executeBatchRequests(
      AsyncRequestContainer<StateRequest<?, ?, ?, ?>> container) {
    checkState();
    List<StateRequest<?, ?, ?, ?>> requests = ((Batch) container).requests;
    CompletableFuture<Void> done = new CompletableFuture<>();
    ongoing.incrementAndGet();
    try {
      threads
        .coordinator()
        .execute(
            () -> {
              try {
                if (failure != null) {
                  throw new IllegalStateException(name + ": an earlier batch of state requests failed", failure);
                }
                run(requests, true);
                done.complete(null);
              } catch (Throwable t) {
                failure = t;
                done.completeExceptionally(t);
              } finally {
                ongoing.decrementAndGet();
              }
            });
    } catch (RuntimeException e) {
      ongoing.decrementAndGet(); // rejected: the executor is closing
      throw e;
    }
    return done;
  }

  /**
   * Runs one request on the calling (task) thread. A failed request's future does not complete (Flink
   * reports the failure to the task instead), and Flink's synchronous call waits for it to: so the
   * failure is thrown here, and every later request fails too.
   */
  @Override
  public void executeRequestSync(StateRequest<?, ?, ?, ?> request) {
    checkState();
    syncFailure.remove();
    try {
      run(List.of(request), false);
    } catch (Exception e) {
      syncFailure.set(e);
    }
    Throwable failed = syncFailure.get();
    syncFailure.remove();
    if (failed != null) {
      failure = failed;
      throw new IllegalStateException(
          name + ": " + request.getRequestType() + " on state '"
              + ((AloftState) request.getState()).rows().name + "' failed: " + failed,
          failed);
    }
  }

  /** The first failure of the synchronous request running on this thread. */
  private final ThreadLocal<Throwable> syncFailure = new ThreadLocal<>();

  @Override
  public boolean fullyLoaded() {
    return ongoing.get() >= Math.max(1, threads.readConcurrency());
  }

  @Override
  public void shutdown() {
    if (!shutdown) {
      shutdown = true;
      threads.close();
    }
  }

  private void checkState() {
    if (shutdown) {
      throw new IllegalStateException(name + ": the state executor was shut down");
    }
    if (failure != null) {
      throw new IllegalStateException(name + ": an earlier batch of state requests failed", failure);
    }
  }

  // ----------------------------------------------------------------------------------------- a batch

  /** The requests of one batch, in issue order. */
  private static final class Batch implements AsyncRequestContainer<StateRequest<?, ?, ?, ?>> {
    final List<StateRequest<?, ?, ?, ?>> requests = new ArrayList<>();

    @Override
    public void offer(StateRequest<?, ?, ?, ?> request) {
      requests.add(request);
    }

    @Override
    public boolean isEmpty() {
      return requests.isEmpty();
    }
  }

  /** What one request does: a point read, a scan page, or writes. */
  private sealed interface Step permits Get, Scan, Write {
    StateRequest<?, ?, ?, ?> request();
  }

  /** Reads {@code key} of the state's table; {@code answer} turns the bytes into the result. */
  private record Get(StateRequest<?, ?, ?, ?> request, RowGet get, Answer<byte[]> answer) implements Step {}

  private record Scan(
      StateRequest<?, ?, ?, ?> request, byte[] prefix, byte[] after, int limit, Answer<ScanPage> answer)
      implements Step {}

  private record Write(StateRequest<?, ?, ?, ?> request, List<RowWrite> writes) implements Step {}

  @FunctionalInterface
  private interface Answer<T> {
    Object apply(T read) throws IOException;
  }

  /** One generation: reads, then writes. */
  private static final class Generation {
    final List<Get> gets = new ArrayList<>();
    final List<Scan> scans = new ArrayList<>();
    final List<Write> writes = new ArrayList<>();
  }

  private void run(List<StateRequest<?, ?, ?, ?>> requests, boolean parallel) throws Exception {
    List<Generation> generations = plan(requests);
    try {
      for (Generation g : generations) {
        read(g, parallel);
        write(g);
      }
    } catch (Exception | Error e) {
      for (Generation g : generations) {
        for (Step s : g.gets) {
          fail(s, e);
        }
        for (Step s : g.scans) {
          fail(s, e);
        }
        for (Step s : g.writes) {
          fail(s, e);
        }
      }
      throw e;
    }
  }

  /** Cuts the requests into generations: a read of a key that this generation writes starts the next. */
  private List<Generation> plan(List<StateRequest<?, ?, ?, ?>> requests) {
    List<Generation> generations = new ArrayList<>();
    Map<Object, int[]> byKey = new HashMap<>(); // key -> {generation, wrote in it (0/1)}
    for (StateRequest<?, ?, ?, ?> request : requests) {
      Step step;
      try {
        step = step(request);
      } catch (Exception | Error e) {
        fail(request, e);
        continue;
      }
      Object key = request.getRecordContext().getKey();
      int[] at = byKey.computeIfAbsent(key, k -> new int[] {0, 0});
      boolean writes = step instanceof Write;
      if (!writes && at[1] == 1) {
        at[0]++;
        at[1] = 0;
      }
      if (writes) {
        at[1] = 1;
      }
      while (generations.size() <= at[0]) {
        generations.add(new Generation());
      }
      Generation g = generations.get(at[0]);
      if (step instanceof Get get) {
        g.gets.add(get);
      } else if (step instanceof Scan scan) {
        g.scans.add(scan);
      } else {
        g.writes.add((Write) step);
      }
    }
    return generations;
  }

  private void read(Generation g, boolean parallel) throws Exception {
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    if (!g.gets.isEmpty()) {
      List<Get> sorted = new ArrayList<>(g.gets);
      sorted.sort(Comparator.comparing(x -> x.get().key(), Arrays::compareUnsigned));
      int runs = parallel ? Math.max(1, Math.min(threads.readConcurrency(), sorted.size() / 16)) : 1;
      int per = (sorted.size() + runs - 1) / runs;
      for (int from = 0; from < sorted.size(); from += per) {
        List<Get> run = sorted.subList(from, Math.min(sorted.size(), from + per));
        if (!parallel || runs == 1) {
          multiGet(run);
        } else {
          pending.add(CompletableFuture.runAsync(() -> unchecked(() -> multiGet(run)), threads.readExecutor()));
        }
      }
    }
    for (Scan scan : g.scans) {
      if (parallel) {
        pending.add(CompletableFuture.runAsync(() -> unchecked(() -> scan(scan)), threads.readExecutor()));
      } else {
        scan(scan);
      }
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw unwrap(e);
    }
  }

  private void multiGet(List<Get> run) throws IOException {
    List<RowGet> gets = new ArrayList<>(run.size());
    for (Get g : run) {
      gets.add(g.get());
    }
    List<byte[]> values = backend.multiGet(gets);
    for (int i = 0; i < run.size(); i++) {
      answer(run.get(i), run.get(i).answer(), values.get(i));
    }
  }

  private void scan(Scan s) throws IOException {
    ScanPage page = ((AloftState) s.request().getState()).rows().table.scan(s.prefix(), s.after(), s.limit());
    answer(s, s.answer(), page);
  }

  private void write(Generation g) throws IOException {
    if (g.writes.isEmpty()) {
      return;
    }
    List<RowWrite> all = new ArrayList<>();
    for (Write w : g.writes) {
      all.addAll(w.writes());
    }
    if (!all.isEmpty()) {
      backend.write(all);
    }
    for (Write w : g.writes) {
      complete(w.request(), null);
    }
  }

  private <T> void answer(Step step, Answer<T> answer, T read) {
    Object result;
    try {
      result = answer.apply(read);
    } catch (Exception | Error e) {
      fail(step, e);
      return;
    }
    complete(step.request(), result);
  }

  @SuppressWarnings("unchecked")
  private static void complete(StateRequest<?, ?, ?, ?> request, Object result) {
    InternalAsyncFuture<Object> future = (InternalAsyncFuture<Object>) request.getFuture();
    if (!future.isDone()) {
      future.complete(result);
    }
  }

  private void fail(Step step, Throwable e) {
    fail(step.request(), e);
  }

  private void fail(StateRequest<?, ?, ?, ?> request, Throwable e) {
    if (request.isSync() && syncFailure.get() == null) {
      syncFailure.set(e);
    }
    InternalAsyncFuture<?> future = request.getFuture();
    if (!future.isDone()) {
      future.completeExceptionally(
          name + ": " + request.getRequestType() + " on state '"
              + ((AloftState) request.getState()).rows().name + "' failed",
          e);
    }
  }

  // ------------------------------------------------------------------------ a request as a step

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Step step(StateRequest<?, ?, ?, ?> request) throws IOException {
    if (!(request.getState() instanceof AloftState owner)) {
      throw new IllegalStateException(
          name + ": a request for a state Aloft did not create: " + request.getState());
    }
    StateRows rows = owner.rows();
    StateRequestType type = request.getRequestType();
    Object payload = request.getPayload();
    byte[] row = rows.row(request);
    switch (type) {
      case VALUE_GET:
      case REDUCING_GET:
      case AGGREGATING_GET:
        return new Get(request, new RowGet(rows.table, row), rows::value);
      case MAP_GET:
        return new Get(request, new RowGet(rows.table, map(owner).entryKey(row, payload)), rows::mapValue);
      case MAP_CONTAINS:
        return new Get(request, new RowGet(rows.table, map(owner).entryKey(row, payload)), b -> b != null);
      case LIST_GET:
        return new Get(
            request,
            new RowGet(rows.table, row),
            b -> new AloftStateIterator<>(owner(request), type, handler(request), rows.elements(b), null));
      case MAP_IS_EMPTY:
        return new Scan(request, row, null, 1, page -> page.rows().isEmpty());
      case MAP_ITER:
      case MAP_ITER_KEY:
      case MAP_ITER_VALUE:
        return new Scan(request, row, null, PAGE, page -> page(request, type, row, page));
      case ITERATOR_LOADING:
        {
          AloftStateIterator.Continuation next = (AloftStateIterator.Continuation) payload;
          return new Scan(request, row, next.after(), PAGE, page -> page(request, next.type(), row, page));
        }
      case VALUE_UPDATE:
      case REDUCING_ADD:
      case AGGREGATING_ADD:
        return new Write(
            request,
            List.of(payload == null ? RowWrite.delete(rows.table, row) : RowWrite.put(rows.table, row, rows.value(payload))));
      case CLEAR:
        return new Write(
            request,
            List.of(owner instanceof AloftStates.Map ? RowWrite.deletePrefix(rows.table, row) : RowWrite.delete(rows.table, row)));
      case LIST_ADD:
        if (payload == null) {
          throw new NullPointerException("state '" + rows.name + "': add(null) to a list");
        }
        return new Write(request, List.of(RowWrite.merge(rows.table, row, rows.elements(List.of(payload)))));
      case LIST_ADD_ALL:
        {
          List<?> values = (List<?>) payload;
          return new Write(
              request,
              values == null || values.isEmpty()
                  ? List.of()
                  : List.of(RowWrite.merge(rows.table, row, rows.elements(values))));
        }
      case LIST_UPDATE:
        {
          List<?> values = (List<?>) payload;
          return new Write(
              request,
              List.of(
                  values == null || values.isEmpty()
                      ? RowWrite.delete(rows.table, row)
                      : RowWrite.put(rows.table, row, rows.elements(values))));
        }
      case MAP_PUT:
        {
          Tuple2<?, ?> entry = (Tuple2<?, ?>) payload;
          return new Write(
              request,
              List.of(RowWrite.put(rows.table, map(owner).entryKey(row, entry.f0), rows.mapValue(entry.f1))));
        }
      case MAP_REMOVE:
        return new Write(request, List.of(RowWrite.delete(rows.table, map(owner).entryKey(row, payload))));
      case MAP_PUT_ALL:
        {
          List<RowWrite> writes = new ArrayList<>();
          if (payload != null) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) payload).entrySet()) {
              writes.add(RowWrite.put(rows.table, map(owner).entryKey(row, e.getKey()), rows.mapValue(e.getValue())));
            }
          }
          return new Write(request, writes);
        }
      default:
        throw new UnsupportedOperationException(
            name + ": state request " + type + " is not supported by Aloft's Flink backend");
    }
  }

  /** One page of a map iteration, as the iterator of what {@code type} asks for. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private AloftStateIterator<?> page(
      StateRequest<?, ?, ?, ?> request, StateRequestType type, byte[] prefix, ScanPage page)
      throws IOException {
    AloftStates.Map map = map((AloftState) request.getState());
    StateRows rows = map.rows();
    List<Object> items = new ArrayList<>(page.rows().size());
    for (KeyValue kv : page.rows()) {
      switch (type) {
        case MAP_ITER ->
            // Map.entry refuses null values; Flink's map values may be null
            items.add(
                new java.util.AbstractMap.SimpleImmutableEntry<>(
                    map.userKey(kv.key(), prefix.length), rows.mapValue(kv.value())));
        case MAP_ITER_KEY -> items.add(map.userKey(kv.key(), prefix.length));
        case MAP_ITER_VALUE -> items.add(rows.mapValue(kv.value()));
        default -> throw new IllegalStateException("not a map iteration: " + type);
      }
    }
    return new AloftStateIterator<>(
        owner(request), type, handler(request), Collections.unmodifiableList(items),
        page.hasMore() ? page.lastKey() : null);
  }

  @SuppressWarnings("rawtypes")
  private static AloftStates.Map map(AloftState owner) {
    if (owner instanceof AloftStates.Map<?, ?, ?, ?> map) {
      return map;
    }
    throw new IllegalStateException("a map request for a state that is not a map: " + owner);
  }

  private static org.apache.flink.api.common.state.v2.State owner(StateRequest<?, ?, ?, ?> request) {
    return request.getState();
  }

  private static org.apache.flink.runtime.asyncprocessing.StateRequestHandler handler(
      StateRequest<?, ?, ?, ?> request) {
    return ((AbstractKeyedState<?, ?, ?>) request.getState()).getStateRequestHandler();
  }

  private interface IoRunnable {
    void run() throws IOException;
  }

  private static void unchecked(IoRunnable r) {
    try {
      r.run();
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  private static Exception unwrap(CompletionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof Exception ex) {
      return ex;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return e;
  }
}
