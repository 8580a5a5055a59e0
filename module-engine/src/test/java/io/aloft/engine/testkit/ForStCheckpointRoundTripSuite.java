package io.aloft.engine.testkit;

import io.aloft.engine.ForStOptions;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.AloftOptions;
import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.Checkpoint;
import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.spi.fs.Location;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end on one store, for every storage provider: the {@code forst} backend checkpoints to the
 * store, and a new processor in a new engine, with fresh local directories, restores from the
 * checkpoint and carries on from its state. Incremental checkpoints reference the SST files in place;
 * full ones copy them (server-side where the store can).
 *
 * <p>A provider's test extends this and says, in {@link #forstConfig}, how forst reaches its store.
 */
public abstract class ForStCheckpointRoundTripSuite {

  private static final int KEYS = 50;
  private static final int ROUNDS = 10;

  @TempDir Path dir;

  /**
   * The {@code forst} backend with {@code execution.checkpointing.dir} at a location of the store no
   * other test uses, and its local directories below {@code localRoot}.
   */
  protected abstract Config forstConfig(Path localRoot);

  /** Counts the records of each key and emits {@code key=count}. */
  static final class Counter extends KeyedProcessFunction<String, String, String> {
    private ValueState<Long> count;

    @Override
    public void open(StateContext context) {
      count = context.getState(new ValueStateDescriptor<>("count", Serializers.LONG));
    }

    @Override
    public void processElement(String key, Context<String> context, Collector<String> out) {
      count
          .asyncValue()
          .thenCompose(
              n -> {
                long next = (n == null ? 0 : n) + 1;
                return count.asyncUpdate(next).thenAccept(ignored -> out.collect(key + "=" + next));
              });
    }
  }

  @ParameterizedTest(name = "incremental: {0}")
  @ValueSource(booleans = {true, false})
  void aProcessorRestoredFromACheckpointInTheStoreContinuesFromItsState(boolean incremental)
      throws IOException {
    Config config =
        forstConfig(dir.resolve("run-1"))
            .with(AloftOptions.CHECKPOINTING_INCREMENTAL.key(), String.valueOf(incremental));
    String scheme = Location.of(config.get(AloftOptions.CHECKPOINTING_DIR)).scheme();

    Checkpoint checkpoint;
    try (Aloft aloft = Aloft.create(config)) {
      KeyedProcessor<String, String, String> counter = processor(aloft, new ArrayList<>()).build();
      for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < KEYS; k++) {
          counter.processElement("key-" + k);
        }
      }
      checkpoint = counter.checkpoint(1);
      counter.processElement("key-0"); // after the checkpoint: lost with this run
      counter.drain();
      counter.close();

      assertThat(checkpoint.location().scheme()).isEqualTo(scheme);
      assertThat(aloft.fileSystem(checkpoint.location()).list(checkpoint.location()))
          .as("files of %s", checkpoint.location())
          .isNotEmpty();
    }
    if (incremental) {
      assertThat(checkpoint.filesReferenced()).isPositive();
      assertThat(checkpoint.filesCopied()).isZero();
    } else {
      assertThat(checkpoint.filesCopied()).isPositive();
    }

    List<String> out = new ArrayList<>();
    Config restart = secondRun(config);
    try (Aloft aloft = Aloft.create(restart)) {
      KeyedProcessor<String, String, String> restored =
          processor(aloft, out).restoreFrom(checkpoint.location()).build();
      restored.processElement("key-0");
      restored.processElement("key-49");
      restored.drain();
      restored.close();
    }

    assertThat(out).containsExactlyInAnyOrder("key-0=" + (ROUNDS + 1), "key-49=" + (ROUNDS + 1));
  }

  /**
   * A restored processor takes the checkpoint over: once its own newer checkpoints complete, the
   * restored one is deleted from the store, and every file its own checkpoints list is still there.
   */
  @org.junit.jupiter.api.Test
  void aRestoredProcessorDeletesTheCheckpointItTookOverOnceItsOwnHaveSubsumedIt() throws IOException {
    Config config = forstConfig(dir.resolve("run-1"));
    Checkpoint first;
    try (Aloft aloft = Aloft.create(config)) {
      KeyedProcessor<String, String, String> counter = processor(aloft, new ArrayList<>()).build();
      for (int k = 0; k < KEYS; k++) {
        counter.processElement("key-" + k);
      }
      first = counter.checkpoint(1);
      counter.close();
    }
    List<String> out = new ArrayList<>();
    Config restart = secondRun(config);
    try (Aloft aloft = Aloft.create(restart)) {
      KeyedProcessor<String, String, String> restored =
          processor(aloft, out).restoreFrom(first.location()).build();
      Checkpoint last = null;
      for (long id = 2; id <= 3; id++) {
        for (int k = 0; k < KEYS; k++) {
          restored.processElement("key-" + k);
        }
        last = restored.checkpoint(id);
      }
      restored.close();
      var fs = aloft.fileSystem(first.location());
      assertThat(fs.list(first.location())).as("files left in %s", first.location()).isEmpty();
      for (io.aloft.engine.checkpoint.InstanceCheckpoint part :
          io.aloft.engine.checkpoint.InstanceCheckpoint.readAll(fs, last.location())) {
        assertThat(part.files()).isNotEmpty();
        for (String file : part.files()) {
          Location location = last.location().parent().resolve(file);
          assertThat(fs.exists(location)).as("%s, listed by %s", location, last.location()).isTrue();
        }
      }
    }
    assertThat(out).contains("key-0=3", "key-49=3");
  }

  /** The same configuration with fresh local directories, as on another machine. */
  private Config secondRun(Config config) {
    return config
        .with(ForStOptions.LOCAL_DIR.key(), dir.resolve("run-2/local").toString())
        .with(ForStOptions.CACHE_DIR.key(), dir.resolve("run-2/cache").toString());
  }

  private static Aloft.ProcessorBuilder<String, String, String> processor(Aloft aloft, List<String> out) {
    return aloft
        .<String, String, String>keyedProcessor(new Counter())
        .name("counter")
        .keySelector(key -> key)
        .keySerializer(Serializers.STRING)
        .output(out::add);
  }
}
