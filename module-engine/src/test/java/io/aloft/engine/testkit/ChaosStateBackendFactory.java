package io.aloft.engine.testkit;

import static io.aloft.engine.state.Bytes.startsWith;

import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.backend.StateBackendFactory;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code state.backend.type: chaos} (tests only): an in-memory backend that prefers asynchronous
 * execution and sleeps a random 0–{@code chaos.max-latency-micros} µs (default 2000) in every call, so
 * requests of one batch complete out of order on the executor's threads. It records which threads
 * served it, so tests can show that user code never runs there.
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
  public KeyedStateBackend create(BackendContext context) {
    int maxLatency = Integer.parseInt(context.config().getString("chaos.max-latency-micros").orElse("2000"));
    return new KeyedStateBackend() {
      private final Map<String, StateTable> tables = new ConcurrentHashMap<>();

      @Override
      public StateTable table(TableSpec spec) {
        return tables.computeIfAbsent(spec.name(), n -> new ChaosTable(maxLatency));
      }

      @Override
      public boolean prefersAsyncExecution() {
        return true;
      }

      @Override
      public void close() {
        tables.clear();
      }
    };
  }

  private static final class ChaosTable implements StateTable {
    private final ConcurrentSkipListMap<byte[], byte[]> rows = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final int maxLatencyMicros;

    ChaosTable(int maxLatencyMicros) {
      this.maxLatencyMicros = maxLatencyMicros;
    }

    private void chaos() throws IOException {
      IO_THREADS.add(Thread.currentThread());
      CALLS.incrementAndGet();
      if (maxLatencyMicros > 0) {
        long micros = ThreadLocalRandom.current().nextLong(maxLatencyMicros + 1L);
        try {
          Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException();
        }
      }
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
      chaos();
      return rows.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) throws IOException {
      chaos();
      rows.put(key, value);
    }

    @Override
    public void delete(byte[] key) throws IOException {
      chaos();
      rows.remove(key);
    }

    @Override
    public ScanPage scan(byte[] prefix, byte[] startAfter, int limit) throws IOException {
      chaos();
      List<KeyValue> page = new ArrayList<>();
      var tail = startAfter == null ? rows.tailMap(prefix, true) : rows.tailMap(startAfter, false);
      for (Map.Entry<byte[], byte[]> e : tail.entrySet()) {
        if (!startsWith(e.getKey(), prefix)) {
          return new ScanPage(page, false);
        }
        if (page.size() == limit) {
          return new ScanPage(page, true);
        }
        page.add(new KeyValue(e.getKey(), e.getValue()));
      }
      return new ScanPage(page, false);
    }

    @Override
    public void deletePrefix(byte[] prefix) throws IOException {
      chaos();
      Iterator<byte[]> it = rows.tailMap(prefix, true).keySet().iterator();
      while (it.hasNext() && startsWith(it.next(), prefix)) {
        it.remove();
      }
    }
  }
}
