package io.aloft.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import io.aloft.state.StateCompatibilityException;
import io.aloft.state.StateDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link StateTable} contract on RocksDB, below the engine. */
class RocksDbTableTest {
  static final TableSpec MAP = new TableSpec("map", StateDescriptor.Kind.MAP, Optional.empty());
  static final TableSpec LIST = new TableSpec("list", StateDescriptor.Kind.LIST, Optional.empty());

  RocksDbKeyedStateBackend backend;

  static BackendContext context(String instanceName) {
    return new BackendContext(
        Config.empty(),
        128,
        KeyGroupRange.all(128),
        instanceName,
        location -> {
          throw new UnsupportedOperationException("these tests take no checkpoints");
        },
        InstantSource.system(),
        List.of());
  }

  static RocksDbKeyedStateBackend open(String instanceName) throws IOException {
    return (RocksDbKeyedStateBackend) new RocksDbStateBackendFactory().create(context(instanceName));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<String> keys(ScanPage page) {
    List<String> keys = new ArrayList<>();
    for (KeyValue row : page.rows()) {
      keys.add(new String(row.key(), StandardCharsets.UTF_8));
    }
    return keys;
  }

  @BeforeEach
  void start() throws IOException {
    backend = open("table-test");
  }

  @AfterEach
  void stop() throws IOException {
    backend.close();
  }

  @Test
  void getPutDeleteOfOneRow() throws IOException {
    StateTable t = backend.table(MAP);
    assertThat(t.get(bytes("a"))).isNull();
    t.put(bytes("a"), bytes("1"));
    assertThat(t.get(bytes("a"))).isEqualTo(bytes("1"));
    t.delete(bytes("a"));
    t.delete(bytes("never written"));
    assertThat(t.get(bytes("a"))).isNull();
  }

  @Test
  void appendConcatenatesWithoutADelimiter() throws IOException {
    StateTable t = backend.table(LIST);
    t.append(bytes("k"), new byte[] {1, 2});
    t.append(bytes("k"), new byte[] {3});
    t.append(bytes("k"), new byte[] {0, 4});
    assertThat(t.get(bytes("k"))).containsExactly(1, 2, 3, 0, 4);
    t.put(bytes("k"), new byte[] {9});
    t.append(bytes("k"), new byte[] {8});
    assertThat(t.get(bytes("k"))).containsExactly(9, 8);
    t.delete(bytes("k"));
    t.append(bytes("k"), new byte[] {7});
    assertThat(t.get(bytes("k"))).containsExactly(7);
  }

  @Test
  void appendsAreScannedMerged() throws IOException {
    StateTable t = backend.table(LIST);
    t.append(bytes("p1"), bytes("a"));
    t.append(bytes("p1"), bytes("b"));
    ScanPage page = t.scan(bytes("p"), null, 10);
    assertThat(page.rows()).hasSize(1);
    assertThat(page.rows().get(0).value()).isEqualTo(bytes("ab"));
  }

  @Test
  void scanReturnsOnlyThePrefixInUnsignedOrderPageByPage() throws IOException {
    StateTable t = backend.table(MAP);
    t.put(bytes("a"), bytes("before"));
    for (String k : List.of("p\u0001", "p3", "p1", "p2", "p\u00ff")) {
      t.put(bytes(k), bytes("v"));
    }
    t.put(bytes("q"), bytes("after"));
    ScanPage first = t.scan(bytes("p"), null, 2);
    assertThat(keys(first)).containsExactly("p\u0001", "p1");
    assertThat(first.hasMore()).isTrue();
    ScanPage second = t.scan(bytes("p"), first.lastKey(), 2);
    assertThat(keys(second)).containsExactly("p2", "p3");
    assertThat(second.hasMore()).isTrue();
    ScanPage third = t.scan(bytes("p"), second.lastKey(), 2);
    // UTF-8 encodes U+00FF as C3 BF, which sorts after every ASCII byte.
    assertThat(keys(third)).containsExactly("p\u00ff");
    assertThat(third.hasMore()).isFalse();
  }

  @Test
  void aPageThatEndsExactlyAtThePrefixEndSaysNoMore() throws IOException {
    StateTable t = backend.table(MAP);
    t.put(bytes("p1"), bytes("v"));
    t.put(bytes("p2"), bytes("v"));
    t.put(bytes("q"), bytes("v"));
    assertThat(t.scan(bytes("p"), null, 2).hasMore()).isFalse();
  }

  @Test
  void scanOfAPrefixWithNoUpperBoundChecksThePrefix() throws IOException {
    StateTable t = backend.table(MAP);
    byte[] ff = {(byte) 0xFF, (byte) 0xFF};
    t.put(new byte[] {(byte) 0xFF, (byte) 0xFE}, bytes("below"));
    t.put(new byte[] {(byte) 0xFF, (byte) 0xFF, 1}, bytes("in"));
    t.put(new byte[] {(byte) 0xFF, (byte) 0xFF, 2}, bytes("in"));
    assertThat(t.scan(ff, null, 10).rows()).hasSize(2);
    t.deletePrefix(ff);
    assertThat(t.scan(ff, null, 10).rows()).isEmpty();
    assertThat(t.get(new byte[] {(byte) 0xFF, (byte) 0xFE})).isEqualTo(bytes("below"));
  }

  @Test
  void deletePrefixRemovesExactlyThePrefix() throws IOException {
    StateTable t = backend.table(MAP);
    for (String k : List.of("o9", "p", "p1", "p\u00ff", "q")) {
      t.put(bytes(k), bytes("v"));
    }
    t.deletePrefix(bytes("p"));
    assertThat(t.get(bytes("p"))).isNull();
    assertThat(t.scan(bytes("p"), null, 10).rows()).isEmpty();
    assertThat(keys(t.scan(bytes(""), null, 10))).containsExactly("o9", "q");
    t.put(bytes("p1"), bytes("again"));
    assertThat(t.get(bytes("p1"))).isEqualTo(bytes("again"));
  }

  @Test
  void rowsStayRightAcrossTheFlushesThatManyClearsCause() throws IOException {
    StateTable t = backend.table(MAP);
    t.put(bytes("keep"), bytes("v"));
    for (int i = 0; i < 2000; i++) {
      byte[] prefix = bytes("p" + (i % 50) + "/");
      t.put(bytes("p" + (i % 50) + "/a"), bytes("x" + i));
      t.append(bytes("p" + (i % 50) + "/b"), bytes("y"));
      if (i % 3 == 0) {
        t.deletePrefix(prefix);
        assertThat(t.scan(prefix, null, 10).rows()).isEmpty();
      } else {
        assertThat(t.get(bytes("p" + (i % 50) + "/a"))).isEqualTo(bytes("x" + i));
      }
    }
    // i = 1999: the last write of p49/ was not cleared; p48/ (i = 1998, a multiple of 3) was.
    assertThat(keys(t.scan(bytes("p49/"), null, 10))).containsExactly("p49/a", "p49/b");
    assertThat(t.scan(bytes("p48/"), null, 10).rows()).isEmpty();
    assertThat(t.get(bytes("keep"))).isEqualTo(bytes("v"));
  }

  @Test
  void eachStateIsItsOwnColumnFamily() throws IOException {
    StateTable map = backend.table(MAP);
    StateTable list = backend.table(LIST);
    map.put(bytes("k"), bytes("map"));
    list.put(bytes("k"), bytes("list"));
    map.deletePrefix(bytes("k"));
    assertThat(list.get(bytes("k"))).isEqualTo(bytes("list"));
  }

  @Test
  void aStateNamedDefaultUsesRocksDbsDefaultColumnFamily() throws IOException {
    StateTable t =
        backend.table(new TableSpec("default", StateDescriptor.Kind.VALUE, Optional.empty()));
    t.put(bytes("k"), bytes("v"));
    assertThat(t.get(bytes("k"))).isEqualTo(bytes("v"));
  }

  @Test
  void askingAgainReturnsTheSameTableAndAnotherSpecFails() throws IOException {
    assertThat(backend.table(MAP)).isSameAs(backend.table(MAP));
    assertThatThrownBy(
            () ->
                backend.table(
                    new TableSpec("map", StateDescriptor.Kind.MAP, Optional.of(Duration.ofSeconds(1)))))
        .isInstanceOf(StateCompatibilityException.class)
        .hasMessageContaining("'map'")
        .hasMessageContaining("TTL");
  }

  @Test
  void tablesAreSafeToUseFromManyThreads() throws Exception {
    StateTable t = backend.table(LIST);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        byte[] key = bytes("k" + thread);
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 1000; i++) {
                    t.append(key, new byte[] {1});
                    t.scan(key, null, 4);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    for (int thread = 0; thread < 4; thread++) {
      assertThat(t.get(bytes("k" + thread))).hasSize(1000);
    }
  }

  @Test
  void closeDeletesTheWorkingDirectoryAndLaterCallsFailClearly() throws IOException {
    StateTable t = backend.table(MAP);
    t.put(bytes("k"), bytes("v"));
    assertThat(backend.directory()).isDirectory();
    backend.close();
    backend.close();
    assertThat(Files.exists(backend.directory())).isFalse();
    assertThatThrownBy(() -> t.get(bytes("k")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table-test")
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> backend.table(LIST)).isInstanceOf(IllegalStateException.class);
  }
}
