package io.aloft.engine;

import io.aloft.config.AloftOptions;
import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.process.KeyedCoJob;
import io.aloft.process.KeyedCoProcessFunction;
import io.aloft.process.KeyedJob;
import io.aloft.engine.runtime.KeyedCoJobImpl;
import io.aloft.engine.runtime.KeyedJobImpl;
import io.aloft.engine.plugins.Plugins;
import io.aloft.process.KeySelector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.Output;
import io.aloft.serde.Serializer;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.StateBackendFactory;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The entry point: a configuration and the plugins found on the module path, from which keyed
 * processors are built.
 *
 * <pre>{@code
 * try (Aloft aloft = Aloft.fromYaml(Path.of("config.yaml"));
 *      KeyedProcessor<String, Click, String> counts =
 *          aloft.keyedProcessor(new CountClicks())
 *              .keySelector(Click::user)
 *              .keySerializer(Serializers.STRING)
 *              .output(System.out::println)
 *              .build()) {
 *   counts.processElement(click, click.time());
 *   counts.processWatermark(watermark);
 * }
 * }</pre>
 *
 * <p>Creating an {@code Aloft} validates the configuration at once: unknown {@code state.backend.forst.*}
 * keys, malformed values and a {@code state.backend.type} whose module is absent all fail here, with the
 * key named.
 */
public final class Aloft implements AutoCloseable {
  private final Config config;
  private final Plugins plugins;
  private final StateBackendFactory backendFactory;
  private final ProcessorFactory processors;

  private Aloft(Config config) {
    this.config = Objects.requireNonNull(config, "config");
    Plugins.validate(config);
    this.plugins = Plugins.discover();
    this.backendFactory = plugins.backend(config);
    this.processors = new ProcessorFactory(config, plugins, backendFactory);
  }

  /**
   * An Aloft configured by {@code config}.
   *
   * @throws io.aloft.config.ConfigException naming the key of a wrong or unknown setting
   * @throws io.aloft.config.MissingPluginException naming the module to add for an absent backend
   */
  public static Aloft create(Config config) {
    return new Aloft(config);
  }

  /** An Aloft configured by a {@code config.yaml} file (flat or nested keys). */
  public static Aloft fromYaml(Path configYaml) {
    return new Aloft(Config.fromYaml(configYaml));
  }

  public Config config() {
    return config;
  }

  /** The backend type in use ({@code state.backend.type}). */
  public String backendType() {
    return backendFactory.type();
  }

  /**
   * The storage serving {@code location}, created from this configuration on first use.
   *
   * @throws io.aloft.config.MissingPluginException naming the module to add for an absent scheme
   */
  public StateFileSystem fileSystem(Location location) throws IOException {
    return plugins.fileSystem(location, config);
  }

  /** Starts building a processor that runs {@code function}. */
  public <K, IN, OUT> ProcessorBuilder<K, IN, OUT> keyedProcessor(
      KeyedProcessFunction<K, IN, OUT> function) {
    return new ProcessorBuilder<>(Objects.requireNonNull(function, "function"));
  }

  /**
   * Starts building a {@link KeyedJob}: {@code functions} makes one function instance per subtask
   * (a function keeps its state handles in fields, so subtasks must not share one).
   */
  public <K, IN, OUT> JobBuilder<K, IN, OUT> keyedJob(
      Supplier<? extends KeyedProcessFunction<K, IN, OUT>> functions) {
    return new JobBuilder<>(Objects.requireNonNull(functions, "functions"));
  }

  /**
   * Starts building a {@link KeyedCoJob}: a job of a two-input function; {@code functions} makes one
   * function instance per subtask.
   */
  public <K, IN1, IN2, OUT> CoJobBuilder<K, IN1, IN2, OUT> keyedCoJob(
      Supplier<? extends KeyedCoProcessFunction<K, IN1, IN2, OUT>> functions) {
    Objects.requireNonNull(functions, "functions");
    return new CoJobBuilder<>(
        keyedJob(() -> KeyedCoJobImpl.adapt(Objects.requireNonNull(functions.get(), "the function supplier returned null"))));
  }

  /**
   * Builds a {@link KeyedCoJob}: as a {@link JobBuilder}, with a key selector per input (both must give
   * keys of the one key serializer).
   */
  public static final class CoJobBuilder<K, IN1, IN2, OUT> {
    private final JobBuilder<K, KeyedCoJobImpl.Tagged, OUT> job;
    private KeySelector<IN1, K> keySelector1;
    private KeySelector<IN2, K> keySelector2;

    private CoJobBuilder(JobBuilder<K, KeyedCoJobImpl.Tagged, OUT> job) {
      this.job = job.name("keyed-co-job");
    }

    public CoJobBuilder<K, IN1, IN2, OUT> name(String name) {
      job.name(name);
      return this;
    }

    /** Extracts the key of a first-input record. Required. */
    public CoJobBuilder<K, IN1, IN2, OUT> keySelector1(KeySelector<IN1, K> keySelector) {
      this.keySelector1 = Objects.requireNonNull(keySelector, "keySelector1");
      return this;
    }

    /** Extracts the key of a second-input record. Required. */
    public CoJobBuilder<K, IN1, IN2, OUT> keySelector2(KeySelector<IN2, K> keySelector) {
      this.keySelector2 = Objects.requireNonNull(keySelector, "keySelector2");
      return this;
    }

    /** See {@link JobBuilder#keySerializer}. Required. */
    public CoJobBuilder<K, IN1, IN2, OUT> keySerializer(Serializer<K> keySerializer) {
      job.keySerializer(keySerializer);
      return this;
    }

    /** See {@link JobBuilder#output}. */
    public CoJobBuilder<K, IN1, IN2, OUT> output(Output<OUT> output) {
      job.output(output);
      return this;
    }

    /** See {@link JobBuilder#parallelism}. */
    public CoJobBuilder<K, IN1, IN2, OUT> parallelism(int parallelism) {
      job.parallelism(parallelism);
      return this;
    }

    /** See {@link JobBuilder#queueCapacity}. */
    public CoJobBuilder<K, IN1, IN2, OUT> queueCapacity(int queueCapacity) {
      job.queueCapacity(queueCapacity);
      return this;
    }

    /** See {@link JobBuilder#clock}. */
    public CoJobBuilder<K, IN1, IN2, OUT> clock(InstantSource clock) {
      job.clock(clock);
      return this;
    }

    /** See {@link JobBuilder#restoreFrom}. */
    public CoJobBuilder<K, IN1, IN2, OUT> restoreFrom(Location checkpoint) {
      job.restoreFrom(checkpoint);
      return this;
    }

    /** See {@link JobBuilder#inputPosition}. */
    public CoJobBuilder<K, IN1, IN2, OUT> inputPosition(java.util.function.LongSupplier inputPosition) {
      job.inputPosition(inputPosition);
      return this;
    }

    /** Starts the subtasks. */
    public KeyedCoJob<IN1, IN2, OUT> build() {
      if (keySelector1 == null || keySelector2 == null) {
        throw new IllegalStateException("keySelector1(...) and keySelector2(...) are required");
      }
      return new KeyedCoJobImpl<>(job.keySelector(KeyedCoJobImpl.keys(keySelector1, keySelector2)).build());
    }
  }

  /** A processor's or job's name: it goes into directory and file names. */
  private static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || !name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "name must be non-empty and use only letters, digits, '.', '_' and '-': '" + name + "'");
    }
    return name;
  }

  /** Closes the storage clients this instance created. */
  @Override
  public void close() {
    try {
      plugins.closeFileSystems();
    } catch (IOException e) {
      throw new UncheckedIOException("closing storage clients failed", e);
    }
  }

  /**
   * Builds a {@link KeyedProcessor}. Key selector and key serializer are required.
   *
   * @param <K> key type
   * @param <IN> input type
   * @param <OUT> output type
   */
  public final class ProcessorBuilder<K, IN, OUT> {
    private final KeyedProcessFunction<K, IN, OUT> function;
    private String name = "keyed-processor";
    private KeySelector<IN, K> keySelector;
    private Serializer<K> keySerializer;
    private Output<OUT> output = record -> {};
    private int subtaskIndex = 0;
    private int parallelism = 1;
    private InstantSource clock = InstantSource.system();
    private Location restoreFrom;

    private ProcessorBuilder(KeyedProcessFunction<K, IN, OUT> function) {
      this.function = function;
    }

    /** A name for messages and directories; default {@code keyed-processor}. */
    public ProcessorBuilder<K, IN, OUT> name(String name) {
      this.name = checkName(name);
      return this;
    }

    /** Extracts each record's key. Required. */
    public ProcessorBuilder<K, IN, OUT> keySelector(KeySelector<IN, K> keySelector) {
      this.keySelector = Objects.requireNonNull(keySelector, "keySelector");
      return this;
    }

    /** Serializes keys: for key groups and row keys, so it must be deterministic. Required. */
    public ProcessorBuilder<K, IN, OUT> keySerializer(Serializer<K> keySerializer) {
      this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
      return this;
    }

    /** Receives emitted records and watermarks; default: discard. */
    public ProcessorBuilder<K, IN, OUT> output(Output<OUT> output) {
      this.output = Objects.requireNonNull(output, "output");
      return this;
    }

    /**
     * Makes this processor instance {@code index} of {@code parallelism}; it then owns the key groups
     * {@link KeyGroupRange#forInstance} assigns it. Default: the only instance.
     */
    public ProcessorBuilder<K, IN, OUT> instance(int index, int parallelism) {
      int maxParallelism = config.get(AloftOptions.MAX_PARALLELISM);
      KeyGroupRange.forInstance(maxParallelism, parallelism, index); // validates
      this.subtaskIndex = index;
      this.parallelism = parallelism;
      return this;
    }

    /** The processing-time clock (TTL, {@code currentProcessingTime}); default the system clock. */
    public ProcessorBuilder<K, IN, OUT> clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Restores the state of a complete checkpoint ({@link io.aloft.process.Checkpoint#location()}), taken
     * at any parallelism: this instance takes the key groups it owns from every part that has them.
     * Files are opened where they are; nothing is downloaded first. When the checkpoint lies in this
     * processor's own {@code execution.checkpointing.dir}, the restore takes it over (it is deleted once
     * newer checkpoints subsume it) and fences the earlier runs of these key groups; in another
     * directory it is only held (the job there goes on, and never deletes it). {@code build()} fails,
     * naming the key groups, for a
     * checkpoint that misses a part. See {@code docs/checkpoints.md}.
     */
    public ProcessorBuilder<K, IN, OUT> restoreFrom(Location checkpoint) {
      this.restoreFrom = Objects.requireNonNull(checkpoint, "checkpoint");
      return this;
    }

    /**
     * Creates the backend and opens the function. The calling thread becomes the processor's task
     * thread.
     */
    public KeyedProcessor<K, IN, OUT> build() {
      if (keySelector == null) {
        throw new IllegalStateException("keySelector(...) is required");
      }
      if (keySerializer == null) {
        throw new IllegalStateException("keySerializer(...) is required");
      }
      return processors.create(
          new ProcessorFactory.Spec<>(
              name, function, keySelector, keySerializer, output, subtaskIndex, parallelism, clock, restoreFrom));
    }
  }

  /**
   * Builds a {@link KeyedJob}. Key selector and key serializer are required; the subtasks' processors
   * are named {@code <name>-<i>of<parallelism>}, like the instances of a {@link ProcessorBuilder}, so
   * their checkpoints are interchangeable with those of hand-routed processors.
   *
   * @param <K> key type
   * @param <IN> input type
   * @param <OUT> output type
   */
  public final class JobBuilder<K, IN, OUT> {
    /** Records (and watermarks) that may wait for each subtask before the caller waits. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    private final Supplier<? extends KeyedProcessFunction<K, IN, OUT>> functions;
    private String name = "keyed-job";
    private KeySelector<IN, K> keySelector;
    private Serializer<K> keySerializer;
    private Output<OUT> output = record -> {};
    private int parallelism = 1;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private InstantSource clock = InstantSource.system();
    private Location restoreFrom;
    private java.util.function.LongSupplier inputPosition;

    private JobBuilder(Supplier<? extends KeyedProcessFunction<K, IN, OUT>> functions) {
      this.functions = functions;
    }

    /** A name for messages, threads and directories; default {@code keyed-job}. */
    public JobBuilder<K, IN, OUT> name(String name) {
      this.name = checkName(name);
      return this;
    }

    /** Extracts each record's key. Required. */
    public JobBuilder<K, IN, OUT> keySelector(KeySelector<IN, K> keySelector) {
      this.keySelector = Objects.requireNonNull(keySelector, "keySelector");
      return this;
    }

    /** Serializes keys: for routing, key groups and row keys, so it must be deterministic. Required. */
    public JobBuilder<K, IN, OUT> keySerializer(Serializer<K> keySerializer) {
      this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
      return this;
    }

    /** Receives every subtask's records and the job's watermarks, one call at a time; default: discard. */
    public JobBuilder<K, IN, OUT> output(Output<OUT> output) {
      this.output = Objects.requireNonNull(output, "output");
      return this;
    }

    /** The number of subtasks, from 1 to {@code pipeline.max-parallelism}; default 1. */
    public JobBuilder<K, IN, OUT> parallelism(int parallelism) {
      KeyGroupRange.forInstance(config.get(AloftOptions.MAX_PARALLELISM), parallelism, 0); // validates
      this.parallelism = parallelism;
      return this;
    }

    /** Records and watermarks that may wait for each subtask; default {@value #DEFAULT_QUEUE_CAPACITY}. */
    public JobBuilder<K, IN, OUT> queueCapacity(int queueCapacity) {
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be positive: " + queueCapacity);
      }
      this.queueCapacity = queueCapacity;
      return this;
    }

    /** The processing-time clock of every subtask (TTL); default the system clock. */
    public JobBuilder<K, IN, OUT> clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Restores every subtask from a complete checkpoint ({@link io.aloft.process.Checkpoint#location()})
     * taken at any parallelism, as {@link ProcessorBuilder#restoreFrom} does for one instance; the job
     * then reports the checkpoint's input position ({@link KeyedJob#restoredInputPosition()}), where the
     * caller resumes its input.
     */
    public JobBuilder<K, IN, OUT> restoreFrom(Location checkpoint) {
      this.restoreFrom = Objects.requireNonNull(checkpoint, "checkpoint");
      return this;
    }

    /**
     * Where the caller's input stands (a source offset), asked on the input thread whenever
     * {@code execution.checkpointing.interval} takes a checkpoint; required with that key. An interval
     * checkpoint is taken inside a {@code processElement} or {@code processWatermark} call, before the
     * input it is given: the supplier must then give the position of that input (the records handed in
     * before it are in the checkpoint, it is not) — advance the position after the call returns.
     */
    public JobBuilder<K, IN, OUT> inputPosition(java.util.function.LongSupplier inputPosition) {
      this.inputPosition = Objects.requireNonNull(inputPosition, "inputPosition");
      return this;
    }

    /** Starts the subtasks, each creating its backend and opening its function on its own thread. */
    public KeyedJob<IN, OUT> build() {
      if (keySelector == null) {
        throw new IllegalStateException("keySelector(...) is required");
      }
      if (keySerializer == null) {
        throw new IllegalStateException("keySerializer(...) is required");
      }
      KeyedJobImpl.Interval interval = null;
      java.util.Optional<java.time.Duration> every = config.getOptional(AloftOptions.CHECKPOINTING_INTERVAL);
      if (every.isPresent()) {
        if (config.getOptional(AloftOptions.CHECKPOINTING_DIR).isEmpty()) {
          throw new ConfigException(
              AloftOptions.CHECKPOINTING_INTERVAL.key(),
              "'" + AloftOptions.CHECKPOINTING_INTERVAL.key() + "' is set but '"
                  + AloftOptions.CHECKPOINTING_DIR.key() + "' is not: checkpoints need a directory");
        }
        if (inputPosition == null) {
          throw new ConfigException(
              AloftOptions.CHECKPOINTING_INTERVAL.key(),
              "'" + AloftOptions.CHECKPOINTING_INTERVAL.key() + "' is set: give the job an inputPosition(...)"
                  + " supplier, so that its checkpoints record where the input resumes");
        }
        if (every.get().isZero() || every.get().isNegative()) {
          throw new ConfigException(
              AloftOptions.CHECKPOINTING_INTERVAL.key(),
              "'" + AloftOptions.CHECKPOINTING_INTERVAL.key() + "' must be positive: " + every.get());
        }
        interval = new KeyedJobImpl.Interval(every.get(), clock, inputPosition);
      }
      // One function per subtask, made here: the supplier need not be thread-safe.
      List<KeyedProcessFunction<K, IN, OUT>> instances = new java.util.ArrayList<>(parallelism);
      for (int i = 0; i < parallelism; i++) {
        instances.add(Objects.requireNonNull(functions.get(), "the function supplier returned null"));
      }
      return new KeyedJobImpl<K, IN, OUT>(
          name,
          config.getOptional(AloftOptions.CHECKPOINTING_DIR).isPresent(),
          interval,
          parallelism,
          config.get(AloftOptions.MAX_PARALLELISM),
          queueCapacity,
          keySelector,
          keySerializer,
          output,
          (index, subtaskOutput) ->
              processors.create(
                  new ProcessorFactory.Spec<K, IN, OUT>(
                      name,
                      instances.get(index),
                      keySelector,
                      keySerializer,
                      subtaskOutput,
                      index,
                      parallelism,
                      clock,
                      restoreFrom)),
          config.get(AloftOptions.METRICS_JMX));
    }
  }
}
