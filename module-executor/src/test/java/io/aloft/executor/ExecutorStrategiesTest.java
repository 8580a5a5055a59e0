package io.aloft.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.spi.executor.ExecutorSettings;
import io.aloft.spi.executor.ExecutorStrategy;
import io.aloft.spi.executor.ExecutorStrategyFactory;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

class ExecutorStrategiesTest {
  static final ExecutorSettings DEFAULTS = new ExecutorSettings(3, 1, true, true, "test");

  static Map<String, ExecutorStrategyFactory> found() {
    return ServiceLoader.load(ExecutorStrategyFactory.class).stream()
        .map(ServiceLoader.Provider::get)
        .collect(Collectors.toMap(ExecutorStrategyFactory::name, Function.identity()));
  }

  @Test
  void allThreeStrategiesAreFoundByServiceLoader() {
    assertThat(found()).containsOnlyKeys("threads", "virtual", "direct");
  }

  @Test
  void threadsRunReadsOnAPoolOfTheConfiguredSizeAndInlineRolesOnTheCaller() throws Exception {
    try (ExecutorStrategy s = new ThreadsStrategyFactory().create(DEFAULTS)) {
      assertThat(s.readConcurrency()).isEqualTo(3);
      Set<String> readers = ConcurrentHashMap.newKeySet();
      CountDownLatch all = new CountDownLatch(3);
      CountDownLatch release = new CountDownLatch(1);
      for (int i = 0; i < 3; i++) {
        s.readExecutor().execute(() -> {
          readers.add(Thread.currentThread().getName());
          all.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
      assertThat(all.await(10, TimeUnit.SECONDS)).as("three reads at once").isTrue();
      release.countDown();
      assertThat(readers).hasSize(3).allSatisfy(n -> assertThat(n).startsWith("test-read-"));
      String[] ran = new String[2];
      s.coordinator().execute(() -> ran[0] = Thread.currentThread().getName());
      s.writeExecutor().execute(() -> ran[1] = Thread.currentThread().getName());
      assertThat(ran).containsOnly(Thread.currentThread().getName());
    }
  }

  @Test
  void threadsWithoutInliningStartCoordinatorAndWriteThreads() throws Exception {
    try (ExecutorStrategy s =
        new ThreadsStrategyFactory().create(new ExecutorSettings(2, 2, false, false, "own"))) {
      String[] ran = new String[2];
      CountDownLatch done = new CountDownLatch(2);
      s.coordinator().execute(() -> { ran[0] = Thread.currentThread().getName(); done.countDown(); });
      s.writeExecutor().execute(() -> { ran[1] = Thread.currentThread().getName(); done.countDown(); });
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ran[0]).startsWith("own-coordinator-");
      assertThat(ran[1]).startsWith("own-write-");
    }
  }

  @Test
  void directRunsEverythingOnTheCaller() {
    try (ExecutorStrategy s = new DirectStrategyFactory().create(DEFAULTS)) {
      String[] ran = new String[3];
      s.coordinator().execute(() -> ran[0] = Thread.currentThread().getName());
      s.readExecutor().execute(() -> ran[1] = Thread.currentThread().getName());
      s.writeExecutor().execute(() -> ran[2] = Thread.currentThread().getName());
      assertThat(ran).containsOnly(Thread.currentThread().getName());
      assertThat(s.readConcurrency()).isEqualTo(1);
    }
  }

  @Test
  @EnabledForJreRange(max = JRE.JAVA_20)
  void virtualThreadsFailClearlyBeforeJava21() {
    assertThatThrownBy(() -> new VirtualThreadsStrategyFactory().create(DEFAULTS))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("Java 21")
        .hasMessageContaining("state.backend.forst.executor.strategy");
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void virtualThreadsLetThousandsOfReadsWaitAtOnce() throws Exception {
    try (ExecutorStrategy s = new VirtualThreadsStrategyFactory().create(DEFAULTS)) {
      int reads = 2_000;
      CountDownLatch waiting = new CountDownLatch(reads);
      CountDownLatch release = new CountDownLatch(1);
      for (int i = 0; i < reads; i++) {
        s.readExecutor().execute(() -> {
          waiting.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
      // All 2,000 block at once: no pool bounds them.
      assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
      release.countDown();
      assertThat(s.readConcurrency()).isEqualTo(Integer.MAX_VALUE);
    }
  }
}
