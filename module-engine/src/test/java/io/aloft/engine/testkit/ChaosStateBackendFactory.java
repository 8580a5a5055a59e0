package io.aloft.engine.testkit;

import io.aloft.engine.heap.HeapStateBackendFactory;
import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.backend.SnapshotRequest;
import io.aloft.spi.backend.SnapshotResult;
import io.aloft.spi.backend.StateBackendFactory;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code state.backend.type: chaos} (tests only): the {@code hashmap} backend, preferring asynchronous
 * execution and sleeping a random 0–{@code chaos.max-latency-micros} µs (default 2000) in every table
 * call, so requests of one batch complete out of order on the executor's threads. Checkpoints, restores
 * and rescaling are the hashmap backend's. It records which threads served it, so tests can show that
 * user code never runs there. {@code chaos.error-after-calls: N} makes every table call after the
 * N-th throw an {@link AssertionError} (an Error no request catches), as a broken backend would.
 */
public final class ChaosStateBackendFactory implements StateBackendFactory {
  /** Every thread that ever executed a table call. */
  public static final java.util.Set<Thread> IO_THREADS = ConcurrentHashMap.newKeySet();
  public static final AtomicLong CALLS = new AtomicLong();

  @Override
  public String type() {
    return "chaos";
  }

  @Override
  public KeyedStateBackend create(BackendContext context) throws IOException {
    int maxLatency = Integer.parseInt(context.config().getString("chaos.max-latency-micros").orElse("2000"));
    long errorAfter = Long.parseLong(context.config().getString("chaos.error-after-calls").orElse("-1"));
    KeyedStateBackend heap = new HeapStateBackendFactory().create(context);
    return new KeyedStateBackend() {
      private final Map<String, StateTable> tables = new ConcurrentHashMap<>();

      @Override
      public StateTable table(TableSpec spec) throws IOException {
        StateTable inner = heap.table(spec);
        return tables.computeIfAbsent(spec.name(), n -> new ChaosTable(inner, maxLatency, errorAfter));
      }

      @Override
      public boolean prefersAsyncExecution() {
        return true;
      }

      @Override
      public SnapshotResult snapshot(SnapshotRequest request) throws IOException {
        return heap.snapshot(request);
      }

      @Override
      public void checkpointSubsumed(long checkpointId) throws IOException {
        heap.checkpointSubsumed(checkpointId);
      }

      @Override
      public boolean readsBelow(Location dir) {
        return heap.readsBelow(dir);
      }

      @Override
      public void close() throws IOException {
        tables.clear();
        heap.close();
      }
    };
  }

  private static final class ChaosTable implements StateTable {
    private final StateTable inner;
    private final int maxLatencyMicros;
    private final long errorAfter;
    private final AtomicLong calls = new AtomicLong();

    ChaosTable(StateTable inner, int maxLatencyMicros, long errorAfter) {
      this.inner = inner;
      this.maxLatencyMicros = maxLatencyMicros;
      this.errorAfter = errorAfter;
    }

    private void chaos() throws IOException {
      IO_THREADS.add(Thread.currentThread());
      CALLS.incrementAndGet();
      if (errorAfter >= 0 && calls.incrementAndGet() > errorAfter) {
        throw new AssertionError("chaos: a broken backend");
      }
      if (maxLatencyMicros > 0) {
        // parkNanos, not Thread.sleep(0, nanos): before Java 21 that rounds up to a whole millisecond.
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxLatencyMicros + 1L) * 1000);
        if (Thread.interrupted()) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException();
        }
      }
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
      chaos();
      return inner.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) throws IOException {
      chaos();
      inner.put(key, value);
    }

    @Override
    public void delete(byte[] key) throws IOException {
      chaos();
      inner.delete(key);
    }

    @Override
    public void append(byte[] key, byte[] suffix) throws IOException {
      chaos();
      inner.append(key, suffix);
    }

    @Override
    public ScanPage scan(byte[] prefix, byte[] startAfter, int limit) throws IOException {
      chaos();
      return inner.scan(prefix, startAfter, limit);
    }

    @Override
    public void deletePrefix(byte[] prefix) throws IOException {
      chaos();
      inner.deletePrefix(prefix);
    }
  }
}
