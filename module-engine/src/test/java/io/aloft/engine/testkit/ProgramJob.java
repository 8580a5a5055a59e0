package io.aloft.engine.testkit;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.KeyGroups;
import io.aloft.engine.keyedstate.Bytes;
import io.aloft.engine.testkit.StateBackendBehaviourSuite.States;
import io.aloft.engine.testkit.StatePrograms.Step;
import io.aloft.process.Checkpoint;
import io.aloft.process.Collector;
import io.aloft.process.KeyedJob;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.spi.fs.Location;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A job of {@link StatePrograms}: records are programs for a key, processed at {@code parallelism}
 * either by instances of one processor on the calling thread, each record routed here to the instance
 * owning its key group, or by a {@link KeyedJob} that routes them to its subtasks' threads. It
 * checkpoints every instance (or the job) and restores at another parallelism, as a user would rescale.
 */
public final class ProgramJob implements AutoCloseable {

  /** A record: run {@code program} under {@code key}; {@code dump} instead reads every state. */
  public record Program(String key, List<Step> program, boolean dump) {}

  private static final int MAX_PARALLELISM = 128;

  private final Aloft aloft;
  /** Written by one instance at a time (a job serializes its subtasks' output), read after a drain. */
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());
  private final List<KeyedProcessor<String, Program, String>> instances = new ArrayList<>();
  private KeyedJob<Program, String> job; // null: instances routed here
  private long recordsGiven; // the job's input position

  /** Starts {@code parallelism} fresh instances, or restores them from {@code checkpoint}. */
  public ProgramJob(Config config, int parallelism, Location checkpoint) {
    this(config, parallelism, checkpoint, false);
  }

  /**
   * Starts {@code parallelism} fresh instances, or restores them from {@code checkpoint}; with {@code
   * asJob}, as the subtasks of one {@link KeyedJob}.
   */
  public ProgramJob(Config config, int parallelism, Location checkpoint, boolean asJob) {
    this.aloft = Aloft.create(config.with("pipeline.max-parallelism", String.valueOf(MAX_PARALLELISM)));
    try {
      if (asJob) {
        Aloft.JobBuilder<String, Program, String> b =
            aloft
                .keyedJob(ProgramFunction::new)
                .name("programs")
                .keySelector(Program::key)
                .keySerializer(Serializers.STRING)
                .parallelism(parallelism)
                .output(output::add);
        if (checkpoint != null) {
          b.restoreFrom(checkpoint);
        }
        job = b.build();
        recordsGiven = job.restoredInputPosition().orElse(0);
        return;
      }
      for (int i = 0; i < parallelism; i++) {
        Aloft.ProcessorBuilder<String, Program, String> b =
            aloft
                .keyedProcessor(new ProgramFunction())
                .name("programs")
                .keySelector(Program::key)
                .keySerializer(Serializers.STRING)
                .instance(i, parallelism)
                .output(output::add);
        if (checkpoint != null) {
          b.restoreFrom(checkpoint);
        }
        instances.add(b.build());
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Processes one record on the instance that owns its key. */
  public void process(Program p) {
    if (job != null) {
      job.processElement(p);
      recordsGiven++;
      return;
    }
    int group = KeyGroups.keyGroupOf(Bytes.serialize(Serializers.STRING, p.key()), MAX_PARALLELISM);
    for (KeyedProcessor<String, Program, String> instance : instances) {
      if (instance.keyGroupRange().contains(group)) {
        instance.processElement(p);
        return;
      }
    }
    throw new AssertionError("no instance owns key group " + group);
  }

  /** Waits for everything in flight; returns the output so far and forgets it. */
  public List<String> drainOutput() {
    if (job != null) {
      job.drain();
    }
    for (KeyedProcessor<String, Program, String> instance : instances) {
      instance.drain();
    }
    synchronized (output) {
      List<String> out = new ArrayList<>(output);
      output.clear();
      return out;
    }
  }

  /** Checkpoints every instance with the next id (above every id taken); returns its location. */
  public Location checkpoint() {
    if (job != null) {
      return job.checkpoint(recordsGiven).location();
    }
    long id = 1;
    for (KeyedProcessor<String, Program, String> instance : instances) {
      id = Math.max(id, instance.lastCheckpointId().orElse(0) + 1);
    }
    Location location = null;
    for (KeyedProcessor<String, Program, String> instance : instances) {
      Checkpoint c = instance.checkpoint(id);
      location = c.location();
    }
    return location;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (KeyedProcessor<String, Program, String> instance : instances) {
      try {
        instance.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    instances.clear();
    if (job != null) {
      try {
        job.close();
      } catch (RuntimeException e) {
        failure = e;
      }
      job = null;
    }
    aloft.close();
    if (failure != null) {
      throw failure;
    }
  }

  private static final class ProgramFunction extends KeyedProcessFunction<String, Program, String> {
    private States states;

    @Override
    public void open(StateContext context) {
      states = StateBackendBehaviourSuite.open(context, null);
    }

    @Override
    public void processElement(Program p, Context<String> context, Collector<String> out) throws Exception {
      if (p.dump()) {
        out.collect(p.key() + " dump " + StatePrograms.dump(states));
      } else {
        StatePrograms.run(p.program(), states, out, p.key());
      }
    }
  }
}
