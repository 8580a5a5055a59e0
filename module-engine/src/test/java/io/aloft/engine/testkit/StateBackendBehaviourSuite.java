package io.aloft.engine.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aloft.config.Config;
import io.aloft.process.ProcessingException;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.AggregateFunction;
import io.aloft.state.AggregatingState;
import io.aloft.state.AggregatingStateDescriptor;
import io.aloft.state.ListState;
import io.aloft.state.ListStateDescriptor;
import io.aloft.state.MapState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.ReducingState;
import io.aloft.state.ReducingStateDescriptor;
import io.aloft.state.StateCompatibilityException;
import io.aloft.state.StateFuture;
import io.aloft.state.StateFutures;
import io.aloft.state.StateIterator;
import io.aloft.state.StateTtlConfig;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import io.aloft.spi.fs.Location;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every state backend must show, through the public API only: every method of every
 * state type, the null and empty semantics of State V2 (the README's State API section), TTL, timers, per-key order, and state registration.
 * A backend module runs it by extending this class and saying how to configure the backend.
 */
public abstract class StateBackendBehaviourSuite {

  /** The configuration selecting the backend under test; {@code dir} is an empty directory for it. */
  protected abstract Config backendConfig(Path dir);

  /**
   * 0 (the default) runs the suite through one {@link io.aloft.process.KeyedProcessor}; a positive
   * number runs it through a {@link io.aloft.process.KeyedJob} of that many subtasks, each record on
   * the subtask that owns its key, and the random model test checkpoints and restores whole jobs.
   */
  protected int jobParallelism() {
    return 0;
  }

  /** A harness over the backend {@code config} selects: a processor, or a job at {@link #jobParallelism()}. */
  protected <S> StateHarness<S> harness(Config config, StateHarness.Opener<S> opener) {
    return jobParallelism() == 0
        ? new StateHarness<>(config, opener)
        : StateHarness.job(config, opener, jobParallelism());
  }

  /** Skips a test of what one {@link io.aloft.process.KeyedProcessor} promises beyond a job. */
  private void assumeOneProcessor() {
    assumeTrue(jobParallelism() == 0, "a contract of one KeyedProcessor, not of a job");
  }

  @TempDir Path dir;

  /** The states most tests use. */
  public record States(
      ValueState<Integer> value,
      ListState<String> list,
      MapState<String, Long> map,
      ReducingState<Long> sum,
      AggregatingState<Integer, Double> average) {}

  /** Averages integers; the accumulator is [sum, count]. */
  static final class Average implements AggregateFunction<Integer, List<Long>, Double> {
    @Override
    public List<Long> createAccumulator() {
      return List.of(0L, 0L);
    }

    @Override
    public List<Long> add(Integer value, List<Long> acc) {
      return List.of(acc.get(0) + value, acc.get(1) + 1);
    }

    @Override
    public Double getResult(List<Long> acc) {
      return (double) acc.get(0) / acc.get(1);
    }

    @Override
    public List<Long> merge(List<Long> a, List<Long> b) {
      return List.of(a.get(0) + b.get(0), a.get(1) + b.get(1));
    }
  }

  static States open(StateContext c, StateTtlConfig ttl) {
    var value = new ValueStateDescriptor<>("value", Serializers.INT);
    var list = new ListStateDescriptor<>("list", Serializers.STRING);
    var map = new MapStateDescriptor<>("map", Serializers.STRING, Serializers.LONG);
    var sum = new ReducingStateDescriptor<>("sum", Long::sum, Serializers.LONG);
    var average =
        new AggregatingStateDescriptor<>("average", new Average(), Serializers.list(Serializers.LONG));
    if (ttl != null) {
      value.enableTimeToLive(ttl);
      list.enableTimeToLive(ttl);
      map.enableTimeToLive(ttl);
      sum.enableTimeToLive(ttl);
      average.enableTimeToLive(ttl);
    }
    return new States(
        c.getState(value),
        c.getListState(list),
        c.getMapState(map),
        c.getReducingState(sum),
        c.getAggregatingState(average));
  }

  StateHarness<States> h;

  @BeforeEach
  void start() {
    h = harness(backendConfig(dir.resolve("backend")), c -> open(c, null));
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  static <T> List<T> collect(Iterable<T> iterable) {
    List<T> list = new ArrayList<>();
    iterable.forEach(list::add);
    return list;
  }

  /** Collects an async iterator into a list delivered to {@code sink}. */
  static <T> void collect(StateFuture<StateIterator<T>> future, java.util.function.Consumer<List<T>> sink) {
    StateFutures.toIterable(future).thenAccept(it -> sink.accept(collect(it)));
  }

  // ------------------------------------------------------------------------------------ value

  @Nested
  class Value {
    @Test
    void isNullWhenUnset() {
      assertThat(h.<Integer>read("k", (s, r) -> s.value().asyncValue().thenAccept(r::accept))).isNull();
      assertThat(h.<Integer>read("k", (s, r) -> r.accept(s.value().value()))).isNull();
    }

    @Test
    void asyncUpdateIsSeenByAsyncAndSyncReads() {
      h.on("k", (s, c, o) -> s.value().asyncUpdate(42));
      assertThat(h.<Integer>read("k", (s, r) -> s.value().asyncValue().thenAccept(r::accept))).isEqualTo(42);
      assertThat(h.<Integer>read("k", (s, r) -> r.accept(s.value().value()))).isEqualTo(42);
    }

    @Test
    void syncUpdateIsSeenByAsyncRead() {
      h.on("k", (s, c, o) -> s.value().update(7));
      assertThat(h.<Integer>read("k", (s, r) -> s.value().asyncValue().thenAccept(r::accept))).isEqualTo(7);
    }

    @Test
    void updateWithNullRemovesTheValue() {
      h.on("k", (s, c, o) -> s.value().update(1));
      h.on("k", (s, c, o) -> s.value().asyncUpdate(null));
      assertThat(h.<Integer>read("k", (s, r) -> r.accept(s.value().value()))).isNull();
    }

    @Test
    void clearRemovesTheValue() {
      h.on("k", (s, c, o) -> s.value().update(1));
      h.on("k", (s, c, o) -> s.value().asyncClear());
      assertThat(h.<Integer>read("k", (s, r) -> r.accept(s.value().value()))).isNull();
      h.on("k", (s, c, o) -> s.value().update(2));
      h.on("k", (s, c, o) -> s.value().clear());
      assertThat(h.<Integer>read("k", (s, r) -> r.accept(s.value().value()))).isNull();
    }

    @Test
    void eachKeyHasItsOwnValue() {
      h.on("a", (s, c, o) -> s.value().update(1));
      h.on("b", (s, c, o) -> s.value().update(2));
      h.on("a", (s, c, o) -> s.value().clear());
      assertThat(h.<Integer>read("a", (s, r) -> r.accept(s.value().value()))).isNull();
      assertThat(h.<Integer>read("b", (s, r) -> r.accept(s.value().value()))).isEqualTo(2);
    }

    @Test
    void readModifyWriteChainSeesItsOwnWrite() {
      for (int i = 0; i < 5; i++) {
        h.on(
            "k",
            (s, c, o) ->
                s.value()
                    .asyncValue()
                    .thenCompose(v -> s.value().asyncUpdate(v == null ? 1 : v + 1)));
      }
      assertThat(h.<Integer>read("k", (s, r) -> r.accept(s.value().value()))).isEqualTo(5);
    }
  }

  // ------------------------------------------------------------------------------------ list

  @Nested
  class List_ {
    @Test
    void emptyListGivesAnEmptyIteratorAndIterable() {
      assertThat(h.<Boolean>read("k", (s, r) -> s.list().asyncGet().thenAccept(it -> r.accept(it.isEmpty()))))
          .isTrue();
      assertThat(h.<List<String>>read("k", (s, r) -> r.accept(collect(s.list().get())))).isEmpty();
    }

    @Test
    void addKeepsInsertionOrder() {
      h.on("k", (s, c, o) -> s.list().asyncAdd("a"));
      h.on("k", (s, c, o) -> s.list().add("b"));
      h.on("k", (s, c, o) -> s.list().asyncAdd("c"));
      assertThat(h.<List<String>>read("k", (s, r) -> collect(s.list().asyncGet(), r)))
          .containsExactly("a", "b", "c");
      assertThat(h.<List<String>>read("k", (s, r) -> r.accept(collect(s.list().get()))))
          .containsExactly("a", "b", "c");
    }

    @Test
    void addAllAppendsAndEmptyAddAllChangesNothing() {
      h.on("k", (s, c, o) -> s.list().asyncAddAll(List.of("a", "b")));
      h.on("k", (s, c, o) -> s.list().addAll(List.of()));
      h.on("k", (s, c, o) -> s.list().asyncAddAll(List.of()));
      h.on("k", (s, c, o) -> s.list().addAll(List.of("c")));
      assertThat(h.<List<String>>read("k", (s, r) -> r.accept(collect(s.list().get()))))
          .containsExactly("a", "b", "c");
    }

    @Test
    void updateReplacesTheList() {
      h.on("k", (s, c, o) -> s.list().addAll(List.of("a", "b")));
      h.on("k", (s, c, o) -> s.list().asyncUpdate(List.of("x")));
      assertThat(h.<List<String>>read("k", (s, r) -> r.accept(collect(s.list().get())))).containsExactly("x");
      h.on("k", (s, c, o) -> s.list().update(List.of("y", "z")));
      assertThat(h.<List<String>>read("k", (s, r) -> r.accept(collect(s.list().get()))))
          .containsExactly("y", "z");
    }

    @Test
    void updateWithAnEmptyListClears() {
      h.on("k", (s, c, o) -> s.list().addAll(List.of("a", "b")));
      h.on("k", (s, c, o) -> s.list().update(List.of()));
      assertThat(h.<List<String>>read("k", (s, r) -> r.accept(collect(s.list().get())))).isEmpty();
    }

    @Test
    void clearEmptiesTheList() {
      h.on("k", (s, c, o) -> s.list().add("a"));
      h.on("k", (s, c, o) -> s.list().asyncClear());
      assertThat(h.<List<String>>read("k", (s, r) -> r.accept(collect(s.list().get())))).isEmpty();
    }

    @Test
    void addOfNullIsRejected() {
      assertThatThrownBy(() -> h.on("k", (s, c, o) -> s.list().asyncAdd(null)).drain())
          .isInstanceOf(ProcessingException.class)
          .hasRootCauseInstanceOf(NullPointerException.class)
          .rootCause()
          .hasMessageContaining("'list'");
    }

    @Test
    void nullElementsAreRejectedByAddAllAndUpdate() {
      List<String> withNull = new ArrayList<>(List.of("a"));
      withNull.add(null);
      assertThatThrownBy(() -> h.on("k", (s, c, o) -> s.list().addAll(withNull)).drain())
          .hasRootCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void updateWithANullElementIsRejected() {
      List<String> withNull = new ArrayList<>();
      withNull.add(null);
      assertThatThrownBy(() -> h.on("k", (s, c, o) -> s.list().asyncUpdate(withNull)).drain())
          .hasRootCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void updateWithNullIsRejected() {
      assertThatThrownBy(() -> h.on("k", (s, c, o) -> s.list().update(null)).drain())
          .hasRootCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void iteratorOnNextWithFuturesCollectsResultsInOrder() {
      h.on("k", (s, c, o) -> s.list().addAll(List.of("a", "b", "c")));
      Collection<String> upper =
          h.read(
              "k",
              (s, r) ->
                  s.list()
                      .asyncGet()
                      .thenCompose(it -> it.onNext((String e) -> StateFutures.completedFuture(e.toUpperCase())))
                      .thenAccept(r::accept));
      assertThat(upper).containsExactly("A", "B", "C");
    }
  }

  // ------------------------------------------------------------------------------------ map

  @Nested
  class Map_ {
    @Test
    void getOfAnAbsentKeyIsNull() {
      assertThat(h.<Long>read("k", (s, r) -> s.map().asyncGet("x").thenAccept(r::accept))).isNull();
      assertThat(h.<Long>read("k", (s, r) -> r.accept(s.map().get("x")))).isNull();
    }

    @Test
    void putThenGet() {
      h.on("k", (s, c, o) -> s.map().asyncPut("a", 1L));
      h.on("k", (s, c, o) -> s.map().put("b", 2L));
      assertThat(h.<Long>read("k", (s, r) -> s.map().asyncGet("a").thenAccept(r::accept))).isEqualTo(1L);
      assertThat(h.<Long>read("k", (s, r) -> r.accept(s.map().get("b")))).isEqualTo(2L);
    }

    @Test
    void putOfNullValueRemovesTheEntry() {
      h.on("k", (s, c, o) -> s.map().put("a", 1L));
      h.on("k", (s, c, o) -> s.map().asyncPut("a", null));
      assertThat(h.<Boolean>read("k", (s, r) -> r.accept(s.map().contains("a")))).isFalse();
    }

    @Test
    void putAllPutsEveryEntryAndNullValuesRemove() {
      h.on("k", (s, c, o) -> s.map().put("gone", 9L));
      Map<String, Long> update = new HashMap<>();
      update.put("a", 1L);
      update.put("b", 2L);
      update.put("gone", null);
      h.on("k", (s, c, o) -> s.map().asyncPutAll(update));
      assertThat(h.<List<Map.Entry<String, Long>>>read("k", (s, r) -> r.accept(collect(s.map().entries()))))
          .containsExactly(Map.entry("a", 1L), Map.entry("b", 2L));
      h.on("k", (s, c, o) -> s.map().putAll(Map.of("c", 3L)));
      assertThat(h.<Long>read("k", (s, r) -> r.accept(s.map().get("c")))).isEqualTo(3L);
    }

    @Test
    void removeAndContains() {
      h.on("k", (s, c, o) -> s.map().putAll(Map.of("a", 1L, "b", 2L)));
      h.on("k", (s, c, o) -> s.map().asyncRemove("a"));
      h.on("k", (s, c, o) -> s.map().remove("missing"));
      assertThat(h.<Boolean>read("k", (s, r) -> s.map().asyncContains("a").thenAccept(r::accept))).isFalse();
      assertThat(h.<Boolean>read("k", (s, r) -> s.map().asyncContains("b").thenAccept(r::accept))).isTrue();
      h.on("k", (s, c, o) -> s.map().remove("b"));
      assertThat(h.<Boolean>read("k", (s, r) -> r.accept(s.map().contains("b")))).isFalse();
    }

    @Test
    void entriesKeysAndValuesComeInSerializedKeyOrder() {
      h.on("k", (s, c, o) -> s.map().putAll(Map.of("c", 3L, "a", 1L, "b", 2L)));
      assertThat(h.<List<Map.Entry<String, Long>>>read("k", (s, r) -> collect(s.map().asyncEntries(), r)))
          .containsExactly(Map.entry("a", 1L), Map.entry("b", 2L), Map.entry("c", 3L));
      assertThat(h.<List<String>>read("k", (s, r) -> collect(s.map().asyncKeys(), r)))
          .containsExactly("a", "b", "c");
      assertThat(h.<List<Long>>read("k", (s, r) -> collect(s.map().asyncValues(), r)))
          .containsExactly(1L, 2L, 3L);
      assertThat(h.<List<String>>read("k", (s, r) -> r.accept(collect(s.map().keys()))))
          .containsExactly("a", "b", "c");
      assertThat(h.<List<Long>>read("k", (s, r) -> r.accept(collect(s.map().values()))))
          .containsExactly(1L, 2L, 3L);
    }

    @Test
    void iterationCrossesPageBoundaries() {
      Map<String, Long> many = new LinkedHashMap<>();
      for (int i = 0; i < 300; i++) {
        many.put(String.format("key-%04d", i), (long) i);
      }
      h.on("k", (s, c, o) -> s.map().putAll(many));
      h.on("other", (s, c, o) -> s.map().put("key-0000", -1L));
      List<String> expected = new ArrayList<>(many.keySet());
      assertThat(h.<List<String>>read("k", (s, r) -> collect(s.map().asyncKeys(), r)))
          .containsExactlyElementsOf(expected);
      assertThat(h.<List<String>>read("k", (s, r) -> r.accept(collect(s.map().keys()))))
          .containsExactlyElementsOf(expected);
      assertThat(
              h.<Collection<Long>>read(
                  "k",
                  (s, r) ->
                      s.map()
                          .asyncValues()
                          .thenCompose(it -> it.onNext((Long v) -> StateFutures.completedFuture(v * 2)))
                          .thenAccept(r::accept)))
          .hasSize(300)
          .startsWith(0L, 2L, 4L);
    }

    @Test
    void isEmpty() {
      assertThat(h.<Boolean>read("k", (s, r) -> s.map().asyncIsEmpty().thenAccept(r::accept))).isTrue();
      h.on("k", (s, c, o) -> s.map().put("a", 1L));
      assertThat(h.<Boolean>read("k", (s, r) -> r.accept(s.map().isEmpty()))).isFalse();
      assertThat(h.<Boolean>read("other", (s, r) -> r.accept(s.map().isEmpty()))).isTrue();
    }

    @Test
    void emptyMapIteratorIsEmpty() {
      assertThat(
              h.<Boolean>read(
                  "k", (s, r) -> s.map().asyncEntries().thenAccept(it -> r.accept(it.isEmpty()))))
          .isTrue();
    }

    @Test
    void clearRemovesEveryEntryOfTheKeyOnly() {
      h.on("k", (s, c, o) -> s.map().putAll(Map.of("a", 1L, "b", 2L)));
      h.on("j", (s, c, o) -> s.map().put("a", 5L));
      h.on("k", (s, c, o) -> s.map().asyncClear());
      assertThat(h.<Boolean>read("k", (s, r) -> r.accept(s.map().isEmpty()))).isTrue();
      assertThat(h.<Long>read("j", (s, r) -> r.accept(s.map().get("a")))).isEqualTo(5L);
    }

    @Test
    void iteratorRemoveDeletesTheLastReturnedEntry() {
      h.on("k", (s, c, o) -> s.map().putAll(Map.of("a", 1L, "b", 2L, "c", 3L)));
      h.on(
          "k",
          (s, c, o) -> {
            Iterator<Map.Entry<String, Long>> it = s.map().iterator();
            while (it.hasNext()) {
              if (it.next().getKey().equals("b")) {
                it.remove();
              }
            }
          });
      assertThat(h.<List<String>>read("k", (s, r) -> r.accept(collect(s.map().keys()))))
          .containsExactly("a", "c");
    }

    @Test
    void nullUserKeyIsRejected() {
      assertThatThrownBy(() -> h.on("k", (s, c, o) -> s.map().asyncPut(null, 1L)).drain())
          .hasRootCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void nullMapIsRejectedByPutAll() {
      assertThatThrownBy(() -> h.on("k", (s, c, o) -> s.map().putAll(null)).drain())
          .hasRootCauseInstanceOf(NullPointerException.class);
    }
  }

  // ------------------------------------------------------------------------ reducing, aggregating

  @Nested
  class Reducing {
    @Test
    void isNullWhenNothingWasAdded() {
      assertThat(h.<Long>read("k", (s, r) -> s.sum().asyncGet().thenAccept(r::accept))).isNull();
    }

    @Test
    void addReducesWithTheFunction() {
      h.on("k", (s, c, o) -> s.sum().asyncAdd(3L));
      h.on("k", (s, c, o) -> s.sum().add(4L));
      h.on("j", (s, c, o) -> s.sum().add(100L));
      assertThat(h.<Long>read("k", (s, r) -> r.accept(s.sum().get()))).isEqualTo(7L);
    }

    @Test
    void addOfNullIsRejected() {
      assertThatThrownBy(() -> h.on("k", (s, c, o) -> s.sum().add(null)).drain())
          .hasRootCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void clear() {
      h.on("k", (s, c, o) -> s.sum().add(3L));
      h.on("k", (s, c, o) -> s.sum().clear());
      assertThat(h.<Long>read("k", (s, r) -> r.accept(s.sum().get()))).isNull();
    }
  }

  @Nested
  class Aggregating {
    @Test
    void isNullWhenNothingWasAdded() {
      assertThat(h.<Double>read("k", (s, r) -> s.average().asyncGet().thenAccept(r::accept))).isNull();
    }

    @Test
    void addAccumulatesAndGetReturnsTheResult() {
      h.on("k", (s, c, o) -> s.average().asyncAdd(1));
      h.on("k", (s, c, o) -> s.average().add(2));
      h.on("k", (s, c, o) -> s.average().asyncAdd(6));
      assertThat(h.<Double>read("k", (s, r) -> r.accept(s.average().get()))).isEqualTo(3.0);
    }

    @Test
    void addOfNullIsRejected() {
      assertThatThrownBy(() -> h.on("k", (s, c, o) -> s.average().asyncAdd(null)).drain())
          .hasRootCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void clear() {
      h.on("k", (s, c, o) -> s.average().add(3));
      h.on("k", (s, c, o) -> s.average().asyncClear());
      assertThat(h.<Double>read("k", (s, r) -> r.accept(s.average().get()))).isNull();
    }
  }

  // ------------------------------------------------------------------------------------ TTL

  @Nested
  class TimeToLive {
    static final Duration TTL = Duration.ofSeconds(10);

    StateHarness<States> ttl(StateTtlConfig.StateVisibility visibility) {
      h.close();
      h = null;
      StateTtlConfig config = StateTtlConfig.newBuilder(TTL).setStateVisibility(visibility).build();
      h = harness(backendConfig(dir.resolve("ttl")), c -> open(c, config));
      return h;
    }

    void writeEverything(StateHarness<States> t) {
      t.on(
          "k",
          (s, c, o) -> {
            s.value().update(1);
            s.list().add("a");
            s.map().put("m", 1L);
            s.sum().add(1L);
            s.average().add(1);
          });
    }

    @Test
    void entriesAreVisibleBeforeTheyExpire() {
      StateHarness<States> t = ttl(StateTtlConfig.StateVisibility.NeverReturnExpired);
      writeEverything(t);
      t.advanceClock(TTL.minusMillis(1));
      assertThat(t.<Integer>read("k", (s, r) -> r.accept(s.value().value()))).isEqualTo(1);
      assertThat(t.<List<String>>read("k", (s, r) -> r.accept(collect(s.list().get())))).containsExactly("a");
      assertThat(t.<Long>read("k", (s, r) -> r.accept(s.map().get("m")))).isEqualTo(1L);
      assertThat(t.<Long>read("k", (s, r) -> r.accept(s.sum().get()))).isEqualTo(1L);
      assertThat(t.<Double>read("k", (s, r) -> r.accept(s.average().get()))).isEqualTo(1.0);
    }

    @Test
    void expiredEntriesAreNeverReturnedByAnyStateType() {
      StateHarness<States> t = ttl(StateTtlConfig.StateVisibility.NeverReturnExpired);
      writeEverything(t);
      t.advanceClock(TTL);
      assertThat(t.<Integer>read("k", (s, r) -> s.value().asyncValue().thenAccept(r::accept))).isNull();
      assertThat(t.<List<String>>read("k", (s, r) -> collect(s.list().asyncGet(), r))).isEmpty();
      assertThat(t.<Long>read("k", (s, r) -> r.accept(s.map().get("m")))).isNull();
      assertThat(t.<Boolean>read("k", (s, r) -> r.accept(s.map().isEmpty()))).isTrue();
      assertThat(t.<List<String>>read("k", (s, r) -> collect(s.map().asyncKeys(), r))).isEmpty();
      assertThat(t.<Long>read("k", (s, r) -> r.accept(s.sum().get()))).isNull();
      assertThat(t.<Double>read("k", (s, r) -> r.accept(s.average().get()))).isNull();
    }

    @Test
    void listElementsExpireIndividually() {
      StateHarness<States> t = ttl(StateTtlConfig.StateVisibility.NeverReturnExpired);
      t.on("k", (s, c, o) -> s.list().add("old"));
      t.advanceClock(Duration.ofSeconds(6));
      t.on("k", (s, c, o) -> s.list().add("new"));
      t.advanceClock(Duration.ofSeconds(6));
      assertThat(t.<List<String>>read("k", (s, r) -> r.accept(collect(s.list().get())))).containsExactly("new");
      t.on("k", (s, c, o) -> s.list().add("newer"));
      assertThat(t.<List<String>>read("k", (s, r) -> r.accept(collect(s.list().get()))))
          .containsExactly("new", "newer");
    }

    @Test
    void mapEntriesExpireIndividually() {
      StateHarness<States> t = ttl(StateTtlConfig.StateVisibility.NeverReturnExpired);
      t.on("k", (s, c, o) -> s.map().put("old", 1L));
      t.advanceClock(Duration.ofSeconds(6));
      t.on("k", (s, c, o) -> s.map().put("new", 2L));
      t.advanceClock(Duration.ofSeconds(6));
      assertThat(t.<List<String>>read("k", (s, r) -> r.accept(collect(s.map().keys())))).containsExactly("new");
      assertThat(t.<Boolean>read("k", (s, r) -> r.accept(s.map().contains("old")))).isFalse();
    }

    @Test
    void writingRefreshesTheTimeToLive() {
      StateHarness<States> t = ttl(StateTtlConfig.StateVisibility.NeverReturnExpired);
      t.on("k", (s, c, o) -> s.value().update(1));
      t.advanceClock(Duration.ofSeconds(6));
      t.on("k", (s, c, o) -> s.value().update(2));
      t.advanceClock(Duration.ofSeconds(6));
      assertThat(t.<Integer>read("k", (s, r) -> r.accept(s.value().value()))).isEqualTo(2);
    }

    @Test
    void reducingAfterExpiryStartsFresh() {
      StateHarness<States> t = ttl(StateTtlConfig.StateVisibility.NeverReturnExpired);
      t.on("k", (s, c, o) -> s.sum().add(5L));
      t.advanceClock(TTL);
      t.on("k", (s, c, o) -> s.sum().add(1L));
      assertThat(t.<Long>read("k", (s, r) -> r.accept(s.sum().get()))).isEqualTo(1L);
    }

    @Test
    void returnExpiredIfNotCleanedUpReturnsTheValueOrNothing() {
      StateHarness<States> t = ttl(StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp);
      t.on("k", (s, c, o) -> s.value().update(1));
      t.advanceClock(TTL.multipliedBy(2));
      // Either the stale value (not cleaned up yet) or nothing (cleaned up); never anything else.
      assertThat(t.<Integer>read("k", (s, r) -> r.accept(s.value().value()))).isIn(1, null);
    }
  }

  // ------------------------------------------------------------------------------------ timers

  @Nested
  class Timers {
    @Test
    void timersFireUnderTheirKeyBeforeTheWatermarkIsEmitted() {
      h.onTimer(
          (s, c, o) ->
              s.value().asyncValue().thenAccept(v -> o.collect(c.currentKey() + "@" + c.timestamp() + "=" + v)));
      h.on("b", (s, c, o) -> {
        s.value().update(2);
        c.timerService().registerEventTimeTimer(20);
      });
      h.on("a", (s, c, o) -> {
        s.value().update(1);
        c.timerService().registerEventTimeTimer(10);
        c.timerService().registerEventTimeTimer(30);
      });
      h.watermark(25);
      // Timers of different keys may finish in any order; all finish before the watermark.
      assertThat(h.output().subList(0, 2)).containsExactlyInAnyOrder("a@10=1", "b@20=2");
      assertThat(h.output()).hasSize(3).endsWith("watermark 25");
      h.watermark(30);
      assertThat(h.output().subList(3, 5)).containsExactly("a@30=1", "watermark 30");
    }

    @Test
    void timersOfOneKeyFireInTimestampOrder() {
      h.onTimer((s, c, o) -> s.list().asyncAdd(String.valueOf(c.timestamp())));
      h.on("a", (s, c, o) -> {
        c.timerService().registerEventTimeTimer(30);
        c.timerService().registerEventTimeTimer(10);
        c.timerService().registerEventTimeTimer(20);
      });
      h.watermark(100);
      assertThat(h.<List<String>>read("a", (s, r) -> r.accept(collect(s.list().get()))))
          .containsExactly("10", "20", "30");
    }

    @Test
    void registeringTheSameTimerTwiceFiresItOnce() {
      h.onTimer((s, c, o) -> o.collect("fired " + c.currentKey()));
      h.on("a", (s, c, o) -> c.timerService().registerEventTimeTimer(5));
      h.on("a", (s, c, o) -> c.timerService().registerEventTimeTimer(5));
      h.on("b", (s, c, o) -> c.timerService().registerEventTimeTimer(5));
      h.watermark(5);
      assertThat(h.output()).containsExactlyInAnyOrder("fired a", "fired b", "watermark 5");
      assertThat(h.output()).endsWith("watermark 5");
    }

    @Test
    void deletedTimersDoNotFire() {
      h.onTimer((s, c, o) -> o.collect("fired " + c.currentKey()));
      h.on("a", (s, c, o) -> c.timerService().registerEventTimeTimer(5));
      h.on("a", (s, c, o) -> c.timerService().deleteEventTimeTimer(5));
      h.watermark(10);
      assertThat(h.output()).containsExactly("watermark 10");
    }

    @Test
    void aTimerRegisteredByATimerAtOrBeforeTheWatermarkFiresInTheSameAdvance() {
      h.onTimer(
          (s, c, o) -> {
            o.collect("fired " + c.timestamp());
            if (c.timestamp() == 5) {
              c.timerService().registerEventTimeTimer(7);
            }
          });
      h.on("a", (s, c, o) -> c.timerService().registerEventTimeTimer(5));
      h.watermark(8);
      assertThat(h.output()).containsExactly("fired 5", "fired 7", "watermark 8");
    }

    @Test
    void timersSeeTheWatermarkThatFiresThem() {
      h.onTimer(
          (s, c, o) -> {
            long now = c.timerService().currentWatermark();
            s.value().asyncValue().thenAccept(v -> o.collect("timer " + c.timestamp() + " at " + now + "/" + c.timerService().currentWatermark()));
          });
      h.on("a", (s, c, o) -> {
        c.timerService().registerEventTimeTimer(3000);
        c.timerService().registerEventTimeTimer(5000);
        c.timerService().registerEventTimeTimer(9000);
      });
      // Drained between watermarks: in a job, a subtask may fire the next timers before another
      // subtask has passed the previous watermark (and so before the job emits it).
      h.watermark(4000).drain().watermark(6000).drain().watermark(10000);
      assertThat(h.output())
          .containsExactly(
              "timer 3000 at 4000/4000", "watermark 4000",
              "timer 5000 at 6000/6000", "watermark 6000",
              "timer 9000 at 10000/10000", "watermark 10000");
    }

    @Test
    void aWatermarkThatDoesNotAdvanceIsIgnored() {
      h.watermark(10).watermark(10).watermark(3);
      assertThat(h.output()).containsExactly("watermark 10");
      assertThat(h.currentWatermark()).isEqualTo(10);
    }

    @Test
    void contextSeesRecordTimestampAndWatermark() {
      h.watermark(1);
      h.drain(); // in a job, another subtask may pass the watermark after this key's subtask emits
      h.on("a", 42, (s, c, o) -> o.collect(c.timestamp() + "/" + c.timerService().currentWatermark()));
      h.on("a", (s, c, o) -> o.collect(String.valueOf(c.timestamp())));
      assertThat(h.output()).containsExactly("watermark 1", "42/1", "null");
    }

    @Test
    void processingTimeComesFromTheProcessorClock() {
      long now = h.clock().millis();
      h.on("a", (s, c, o) -> o.collect(String.valueOf(c.timerService().currentProcessingTime())));
      assertThat(h.output()).containsExactly(String.valueOf(now));
    }
  }

  // ------------------------------------------------------------------------------------ order

  @Nested
  class Order {
    @Test
    void recordsOfOneKeySeeEveryEffectOfEarlierRecordsInArrivalOrder() {
      long seed = Long.getLong("aloft.test.seed", System.nanoTime());
      Random random = new Random(seed);
      Map<String, List<String>> model = new HashMap<>();
      for (int i = 0; i < 2000; i++) {
        String key = "k" + random.nextInt(20);
        String element = "e" + i;
        model.computeIfAbsent(key, k -> new ArrayList<>()).add(element);
        // Each record checks the size written by the previous record of its key, then appends.
        int expectedBefore = model.get(key).size() - 1;
        h.on(
            key,
            (s, c, o) ->
                s.value()
                    .asyncValue()
                    .thenCompose(
                        n -> {
                          int seen = n == null ? 0 : n;
                          if (seen != expectedBefore) {
                            o.collect("seed " + seed + ": " + key + " saw " + seen + " expected " + expectedBefore);
                          }
                          return s.value().asyncUpdate(seen + 1);
                        })
                    .thenCompose(v -> s.list().asyncAdd(element)));
      }
      h.drain();
      assertThat(h.output()).as("seed %d", seed).isEmpty();
      for (Map.Entry<String, List<String>> e : model.entrySet()) {
        assertThat(h.<List<String>>read(e.getKey(), (s, r) -> r.accept(collect(s.list().get()))))
            .as("seed %d key %s", seed, e.getKey())
            .containsExactlyElementsOf(e.getValue());
      }
    }

    @Test
    void callbacksOfOneChainRunInChainOrderOnTheTaskThread() {
      List<String> steps = new ArrayList<>();
      Thread[] taskThread = new Thread[1];
      h.on(
          "k",
          (s, c, o) -> {
            Thread task = Thread.currentThread(); // the caller's in a processor, a subtask's in a job
            taskThread[0] = task;
            s.value()
                .asyncUpdate(1)
                .thenCompose(v -> { steps.add("update " + (Thread.currentThread() == task)); return s.value().asyncValue(); })
                .thenApply(v -> { steps.add("read " + v + " " + (Thread.currentThread() == task)); return v; })
                .thenAccept(v -> steps.add("done " + (Thread.currentThread() == task)));
          });
      h.drain();
      if (jobParallelism() == 0) {
        assertThat(taskThread[0]).isSameAs(Thread.currentThread());
      }
      assertThat(steps).containsExactly("update true", "read 1 true", "done true");
    }
  }

  // ------------------------------------------------------------------------ issue order, nesting

  /**
   * Every state request of a key takes effect in issue order, chained or not, exactly as a synchronous
   * execution would have it; synchronous calls work from any callback, at any depth, under load.
   */
  @Nested
  class IssueOrder {

    /** Runs {@code steps} under {@code key} and returns what its reads emitted, then its dump. */
    private List<String> runAndDump(StateHarness<States> t, String key, List<StatePrograms.Step> steps) {
      t.on(key, (s, c, o) -> StatePrograms.run(steps, s, o, key));
      t.on(key, (s, c, o) -> o.collect(key + " dump " + StatePrograms.dump(s)));
      return t.output().stream().filter(line -> line.startsWith(key + " ")).map(line -> line.substring(key.length() + 1)).toList();
    }

    private List<String> model(List<StatePrograms.Step> steps) {
      StatePrograms.KeyModel m = new StatePrograms.KeyModel();
      List<String> out = new ArrayList<>();
      StatePrograms.model(steps, m, out, "k");
      out.add("k dump " + m.render());
      return out.stream().map(line -> line.substring(2)).toList();
    }

    @Test
    void unchainedOperationsOfOneRecordTakeEffectInIssueOrder() {
      // The cases that broke: two adds, add then clear, put then remove, update then read, clear then add.
      record Case(String name, List<StatePrograms.Operation> ops, String dump) {}
      List<Case> cases =
          List.of(
              new Case("add/add", StatePrograms.ops(new StatePrograms.SumAdd(1), new StatePrograms.SumAdd(2)), "sum=3"),
              new Case("add/clear", StatePrograms.ops(new StatePrograms.SumAdd(5), new StatePrograms.SumClear()), "sum=null"),
              new Case("clear/add", StatePrograms.ops(new StatePrograms.SumAdd(5), new StatePrograms.SumClear(), new StatePrograms.SumAdd(2)), "sum=2"),
              new Case("average add/add", StatePrograms.ops(new StatePrograms.AverageAdd(4), new StatePrograms.AverageAdd(6)), "average=5.0"),
              new Case("put/remove", StatePrograms.ops(new StatePrograms.MapPut("x", 1L), new StatePrograms.MapRemove("x")), "map={}"),
              new Case("update/increment", StatePrograms.ops(new StatePrograms.ValueUpdate(1), new StatePrograms.ValueIncrement(2)), "value=3"),
              new Case("increment/update", StatePrograms.ops(new StatePrograms.ValueIncrement(2), new StatePrograms.ValueUpdate(7)), "value=7"));
      int i = 0;
      for (Case c : cases) {
        List<String> seen = runAndDump(h, "case" + i++, StatePrograms.steps(false, c.ops().toArray(StatePrograms.Operation[]::new)));
        assertThat(seen.get(seen.size() - 1)).as(c.name()).contains(c.dump());
      }
      assertThat(runAndDump(h, "read", StatePrograms.steps(false, new StatePrograms.ValueUpdate(4), new StatePrograms.ValueRead())))
          .as("update/asyncValue")
          .startsWith("1=4");
    }

    @Test
    void everyPairOfUnchainedOperationsOnAStateGivesTheSynchronousResult() {
      int i = 0;
      for (List<StatePrograms.Operation> ofState : StatePrograms.catalogueByState()) {
        for (StatePrograms.Operation a : ofState) {
          for (StatePrograms.Operation b : ofState) {
            for (StatePrograms.Operation c : List.of(a, b)) {
              String key = "pair" + i++;
              List<StatePrograms.Step> async = StatePrograms.steps(false, a, b, c);
              List<StatePrograms.Step> sync = StatePrograms.steps(true, a, b, c);
              List<String> expected = model(async);
              assertThat(runAndDump(h, key + "a", async)).as("async %s, %s, %s", a, b, c).isEqualTo(expected);
              assertThat(runAndDump(h, key + "s", sync)).as("sync %s, %s, %s", a, b, c).isEqualTo(expected);
            }
          }
        }
      }
    }

    @Test
    void randomProgramsMatchAnInMemoryModelAcrossCheckpointsRestoresAndRescales() {
      long first = Long.getLong("aloft.test.model-seed", 0L);
      int seeds =
          Long.getLong("aloft.test.model-seed") != null
              ? 1
              : Integer.getInteger("aloft.test.model-seeds", defaultModelSeeds());
      for (long seed = first; seed < first + seeds; seed++) {
        try {
          runModel(seed);
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError(
              "random model test failed for seed " + seed + " (rerun just it with -Daloft.test.model-seed="
                  + seed + "): " + e.getMessage(),
              e);
        }
      }
    }

    private void runModel(long seed) {
      Random random = new Random(seed);
      Path root = dir.resolve("model-" + seed);
      Config base = backendConfig(root);
      Config config =
          base.contains("execution.checkpointing.dir")
              ? base
              : base.with("execution.checkpointing.dir", root.resolve("checkpoints").toString());
      Map<String, StatePrograms.KeyModel> model = new HashMap<>();
      boolean asJob = jobParallelism() > 0;
      ProgramJob job = new ProgramJob(config, 1 + random.nextInt(3), null, asJob);
      try {
        for (int batch = 0; batch < 3; batch++) {
          Map<String, List<String>> expected = new LinkedHashMap<>();
          Map<String, List<List<StatePrograms.Step>>> programs = new HashMap<>();
          for (int i = 0; i < 134; i++) {
            String key = "k" + random.nextInt(200);
            List<StatePrograms.Step> program = StatePrograms.randomProgram(random);
            StatePrograms.model(
                program,
                model.computeIfAbsent(key, k -> new StatePrograms.KeyModel()),
                expected.computeIfAbsent(key, k -> new ArrayList<>()),
                key);
            programs.computeIfAbsent(key, k -> new ArrayList<>()).add(program);
            job.process(new ProgramJob.Program(key, program, false));
          }
          Map<String, List<String>> actual = byKey(job.drainOutput());
          for (String key : expected.keySet()) {
            assertThat(actual.getOrDefault(key, List.of()))
                .as("batch %d, reads of key %s, whose programs were %s", batch, key, programs.get(key))
                .isEqualTo(expected.get(key));
          }
          // Between batches: checkpoint every instance, stop, restore at another parallelism.
          Location checkpoint = job.checkpoint();
          job.close();
          job = new ProgramJob(config, 1 + random.nextInt(3), checkpoint, asJob);
        }
        for (String key : model.keySet()) {
          job.process(new ProgramJob.Program(key, List.of(), true));
        }
        Map<String, List<String>> dumps = byKey(job.drainOutput());
        for (Map.Entry<String, StatePrograms.KeyModel> e : model.entrySet()) {
          assertThat(dumps.get(e.getKey()))
              .as("state of key %s after restores", e.getKey())
              .containsExactly(e.getKey() + " dump " + e.getValue().render());
        }
      } finally {
        job.close();
      }
    }

    private Map<String, List<String>> byKey(List<String> lines) {
      Map<String, List<String>> byKey = new HashMap<>();
      for (String line : lines) {
        byKey.computeIfAbsent(line.substring(0, line.indexOf(' ')), k -> new ArrayList<>()).add(line);
      }
      return byKey;
    }

    @Test
    void syncCallsInCallbacksUnderThousandsOfRecordsInFlightComplete() {
      assertTimeoutPreemptively(
          Duration.ofSeconds(120),
          () -> {
            try (StateHarness<States> t = harness(backendConfig(dir.resolve("sync-load")), c -> open(c, null))) {
              for (int i = 0; i < 3000; i++) {
                int seq = i;
                t.on(
                    "k" + (i % 300),
                    (s, c, o) -> {
                      s.list().asyncAdd("x" + seq);
                      s.list().get();
                      s.value().asyncValue().thenAccept(p -> s.value().update(seq));
                    });
              }
              t.drain();
              for (int k = 0; k < 300; k += 37) {
                String key = "k" + k;
                assertThat(t.<Integer>read(key, (s, r) -> r.accept(s.value().value()))).isEqualTo(2700 + k);
                assertThat(t.<List<String>>read(key, (s, r) -> r.accept(collect(s.list().get())))).hasSize(10);
              }
            }
          });
    }

    @Test
    void syncCallsInTimerCallbacksUnderThousandsOfTimersComplete() {
      assertTimeoutPreemptively(
          Duration.ofSeconds(120),
          () -> {
            try (StateHarness<States> t = harness(backendConfig(dir.resolve("timer-load")), c -> open(c, null))) {
              t.onTimer(
                  (s, c, o) ->
                      s.value().asyncValue().thenAccept(n -> s.value().update((n == null ? 0 : n) + 1)));
              for (int i = 0; i < 3000; i++) {
                long time = i;
                t.on("k" + (i % 300), (s, c, o) -> c.timerService().registerEventTimeTimer(time));
              }
              t.watermark(Long.MAX_VALUE);
              for (int k = 0; k < 300; k += 41) {
                assertThat(t.<Integer>read("k" + k, (s, r) -> r.accept(s.value().value()))).isEqualTo(10);
              }
            }
          });
    }

    @Test
    void syncCallsNestedInCallbacksOfCallbacksSeeEverythingIssuedBeforeThem() {
      assertTimeoutPreemptively(
          Duration.ofSeconds(120),
          () -> {
            try (StateHarness<States> t = harness(backendConfig(dir.resolve("nested")), c -> open(c, null))) {
              Map<String, List<String>> expected = new HashMap<>();
              Map<String, Long> sums = new HashMap<>();
              Map<String, Integer> lists = new HashMap<>();
              for (int i = 0; i < 1000; i++) {
                String key = "k" + (i % 100);
                long sum = sums.merge(key, 1L, Long::sum);
                int list = lists.merge(key, 1, Integer::sum);
                expected.computeIfAbsent(key, k -> new ArrayList<>()).addAll(
                    List.of(key + " sum " + sum, key + " list " + list));
                t.on(
                    key,
                    (s, c, o) ->
                        s.value()
                            .asyncValue()
                            .thenAccept(
                                v -> {
                                  s.sum().asyncAdd(1L).thenAccept(x -> o.collect(key + " sum " + s.sum().get()));
                                  s.list().asyncAdd("n");
                                  o.collect(key + " list " + collect(s.list().get()).size());
                                }));
              }
              Map<String, List<String>> actual = byKey(t.output());
              assertThat(actual).isEqualTo(expected);
            }
          });
    }

    @Test
    void callingTheProcessorFromItsOwnCallbackIsRefused() {
      assertThatThrownBy(
              () ->
                  h.on("k", (s, c, o) -> s.value().asyncValue().thenAccept(v -> h.on("other", (s2, c2, o2) -> {})))
                      .drain())
          .hasRootCauseInstanceOf(IllegalStateException.class)
          .rootCause()
          .hasMessageContaining("processElement() was called from inside");
    }
  }

  /**
   * How many seeds the random model test runs by default ({@code -Daloft.test.model-seeds=N} overrides
   * it; {@code -Daloft.test.model-seed=S} runs just seed S). Suites whose store is slow run fewer.
   */
  protected int defaultModelSeeds() {
    return 200;
  }

  // ------------------------------------------------------------------------------ registration

  @Nested
  class Registration {
    @Test
    void registeringTheSameDescriptorTwiceReturnsTheSameState() {
      // One pair per subtask; a job's subtasks open concurrently, so each compares its own pair.
      List<Boolean> same = java.util.Collections.synchronizedList(new ArrayList<>());
      h.close();
      h =
          harness(
              backendConfig(dir.resolve("again")),
              c -> {
                Object first = c.getState(new ValueStateDescriptor<>("x", Serializers.INT));
                Object second = c.getState(new ValueStateDescriptor<>("x", Serializers.INT));
                same.add(first == second);
                return open(c, null);
              });
      assertThat(same).isNotEmpty().containsOnly(true);
    }

    @Test
    void registeringAnIdAgainWithAnotherKindFails() {
      h.close();
      h = null;
      assertThatThrownBy(
              () ->
                  harness(
                      backendConfig(dir.resolve("kind")),
                      c -> {
                        c.getState(new ValueStateDescriptor<>("x", Serializers.INT));
                        return c.getListState(new ListStateDescriptor<>("x", Serializers.INT));
                      }))
          .hasRootCauseInstanceOf(StateCompatibilityException.class)
          .rootCause()
          .hasMessageContaining("'x'")
          .hasMessageContaining("VALUE")
          .hasMessageContaining("LIST");
    }

    @Test
    void registeringAnIdAgainWithAnotherSerializerFails() {
      h.close();
      h = null;
      assertThatThrownBy(
              () ->
                  harness(
                      backendConfig(dir.resolve("serde")),
                      c -> {
                        c.getState(new ValueStateDescriptor<>("x", Serializers.INT));
                        return c.getState(new ValueStateDescriptor<>("x", Serializers.LONG));
                      }))
          .hasRootCauseInstanceOf(StateCompatibilityException.class)
          .rootCause()
          .hasMessageContaining("int")
          .hasMessageContaining("long");
    }
  }

  // ------------------------------------------------------------------------------------ runtime

  @Nested
  class Runtime {
    @Test
    void aFailingFunctionFailsTheCallAndTheProcessorStaysFailed() {
      // A processor throws from the call itself; a job from the next call that waits for its subtasks.
      assertThatThrownBy(() -> h.on("k", (s, c, o) -> { throw new IllegalStateException("boom"); }).drain())
          .isInstanceOf(ProcessingException.class)
          .hasMessageContaining("'k'")
          .hasRootCauseMessage("boom");
      // A failed processor refuses further calls; a failed job throws its failure again.
      assertThatThrownBy(() -> h.on("k", (s, c, o) -> {}))
          .isInstanceOf(jobParallelism() == 0 ? IllegalStateException.class : ProcessingException.class);
    }

    @Test
    void aThrowingCallbackFailsTheCall() {
      assertThatThrownBy(
              () ->
                  h.on("k", (s, c, o) -> s.value().asyncValue().thenAccept(v -> { throw new java.io.IOException("cb"); }))
                      .drain())
          .hasRootCauseMessage("cb");
    }

    @Test
    void theProcessorRejectsCallsFromAnotherThread() throws Exception {
      assumeOneProcessor(); // a job takes its input from any one thread at a time
      ExecutorService other = Executors.newSingleThreadExecutor();
      try {
        Future<?> call = other.submit(() -> h.on("k", (s, c, o) -> {}));
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(IllegalStateException.class)
            .hasMessageContaining("task thread");
      } finally {
        other.shutdownNow();
      }
    }

    @Test
    void anInstanceRejectsKeysOutsideItsKeyGroups() {
      assumeOneProcessor();
      h.close();
      h = new StateHarness<>(backendConfig(dir.resolve("half")), c -> open(c, null), 0, 2);
      List<String> keys = IntStream.range(0, 50).mapToObj(i -> "key" + i).collect(Collectors.toList());
      int accepted = 0;
      int rejected = 0;
      for (String key : keys) {
        try {
          h.on(key, (s, c, o) -> s.value().update(1));
          accepted++;
        } catch (IllegalArgumentException e) {
          assertThat(e).hasMessageContaining("key group");
          rejected++;
        }
      }
      assertThat(accepted).isPositive();
      assertThat(rejected).isPositive();
    }
  }
}
