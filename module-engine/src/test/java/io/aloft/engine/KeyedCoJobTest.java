package io.aloft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.process.Collector;
import io.aloft.process.KeyedCoJob;
import io.aloft.process.KeyedCoProcessFunction;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.ListState;
import io.aloft.state.ListStateDescriptor;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Two-input keyed jobs: shared keyed state and timers, the minimum of both watermarks. */
class KeyedCoJobTest {
  @TempDir Path dir;

  /**
   * Joins orders ({@code customer:amount}, input 1) with customer names ({@code customer:name}, input
   * 2): an order waits in a list state until its customer's name is known. An order with a timestamp
   * also sets an event-time timer that emits {@code customer@time}.
   */
  static final class Join extends KeyedCoProcessFunction<String, String, String, String> {
    private ValueState<String> name;
    private ListState<String> waiting;

    @Override
    public void open(StateContext context) {
      name = context.getState(new ValueStateDescriptor<>("name", Serializers.STRING));
      waiting = context.getListState(new ListStateDescriptor<>("waiting", Serializers.STRING));
    }

    @Override
    public void processElement1(String order, KeyedProcessFunction.Context<String> context, Collector<String> out) {
      String amount = order.substring(order.indexOf(':') + 1);
      if (context.timestamp() != null) {
        context.timerService().registerEventTimeTimer(context.timestamp());
      }
      String known = name.value();
      if (known != null) {
        out.collect(known + " paid " + amount);
      } else {
        waiting.add(amount);
      }
    }

    @Override
    public void processElement2(String customer, KeyedProcessFunction.Context<String> context, Collector<String> out) {
      String newName = customer.substring(customer.indexOf(':') + 1);
      name.update(newName);
      for (String amount : waiting.get()) {
        out.collect(newName + " paid " + amount);
      }
      waiting.clear();
    }

    @Override
    public void onTimer(long timestamp, KeyedProcessFunction.Context<String> context, Collector<String> out) {
      out.collect(context.currentKey() + "@" + timestamp);
    }
  }

  private static String key(String record) {
    return record.substring(0, record.indexOf(':'));
  }

  private KeyedCoJob<String, String, String> join(Aloft aloft, int parallelism, List<String> out) {
    return aloft
        .<String, String, String, String>keyedCoJob(Join::new)
        .keySelector1(KeyedCoJobTest::key)
        .keySelector2(KeyedCoJobTest::key)
        .keySerializer(Serializers.STRING)
        .parallelism(parallelism)
        .output(out::add)
        .build();
  }

  private Config config(String backend) {
    return Config.empty()
        .with("state.backend.type", backend)
        .with("execution.checkpointing.dir", "file://" + dir.resolve("checkpoints"))
        .with("state.backend.forst.local-dir", dir.resolve("local").toString());
  }

  @ParameterizedTest(name = "{0} at parallelism {1}")
  @CsvSource({"hashmap, 1", "hashmap, 3", "forst, 3"})
  void recordsOfBothInputsWithOneKeyMeetInItsState(String backend, int parallelism) {
    Random random = new Random(7);
    List<String> expected = new ArrayList<>();
    List<String> out = new ArrayList<>();
    java.util.Map<String, String> names = new java.util.HashMap<>();
    try (Aloft aloft = Aloft.create(config(backend));
        KeyedCoJob<String, String, String> job = join(aloft, parallelism, out)) {
      for (int i = 0; i < 2_000; i++) {
        String customer = "c" + random.nextInt(100);
        if (random.nextInt(4) == 0 && !names.containsKey(customer)) {
          String name = "name-" + customer;
          names.put(customer, name);
          job.processElement2(customer + ":" + name);
        } else {
          job.processElement1(customer + ":" + i);
        }
      }
      job.drain();
    }
    // Every order of a customer whose name came is emitted once with the name; the others wait.
    Random replay = new Random(7);
    java.util.Map<String, String> known = new java.util.HashMap<>();
    java.util.Map<String, List<String>> pending = new java.util.HashMap<>();
    for (int i = 0; i < 2_000; i++) {
      String customer = "c" + replay.nextInt(100);
      if (replay.nextInt(4) == 0 && !known.containsKey(customer)) {
        known.put(customer, "name-" + customer);
        for (String amount : pending.getOrDefault(customer, List.of())) {
          expected.add("name-" + customer + " paid " + amount);
        }
        pending.remove(customer);
      } else if (known.containsKey(customer)) {
        expected.add(known.get(customer) + " paid " + i);
      } else {
        pending.computeIfAbsent(customer, c -> new ArrayList<>()).add(Integer.toString(i));
      }
    }
    assertThat(out).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void theFunctionsWatermarkIsTheMinimumOfBothInputs() {
    List<String> out = new ArrayList<>();
    try (Aloft aloft = Aloft.create(config("hashmap"));
        KeyedCoJob<String, String, String> job = join(aloft, 2, out)) {
      job.processElement1("a:1", 100);
      job.processElement1("b:2", 200);
      job.processWatermark1(250);
      job.drain();
      assertThat(out).noneMatch(r -> r.contains("@"));
      assertThat(job.currentWatermark()).isEqualTo(Long.MIN_VALUE);
      job.processWatermark2(150);
      job.drain();
      assertThat(out).filteredOn(r -> r.contains("@")).containsExactly("a@100");
      assertThat(job.currentWatermark()).isEqualTo(150);
      job.processWatermark2(400);
      job.drain();
      assertThat(out).filteredOn(r -> r.contains("@")).containsExactly("a@100", "b@200");
      assertThat(job.currentWatermark()).isEqualTo(250);
    }
  }

  @Test
  void aCoJobNeedsBothKeySelectors() {
    try (Aloft aloft = Aloft.create(config("hashmap"))) {
      assertThatThrownBy(
              () ->
                  aloft
                      .<String, String, String, String>keyedCoJob(Join::new)
                      .keySelector1(KeyedCoJobTest::key)
                      .keySerializer(Serializers.STRING)
                      .build())
          .hasMessageContaining("keySelector2");
    }
  }
}
