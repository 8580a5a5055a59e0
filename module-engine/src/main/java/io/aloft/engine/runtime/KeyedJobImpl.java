package io.aloft.engine.runtime;

import io.aloft.config.AloftOptions;
import io.aloft.engine.metrics.JmxExport;
import io.aloft.engine.metrics.JobRegistry;
import io.aloft.engine.metrics.MetricCatalog;
import io.aloft.metrics.MetricRegistry;
import io.aloft.config.ConfigException;
import io.aloft.process.Checkpoint;
import io.aloft.process.KeyGroups;
import io.aloft.process.KeySelector;
import io.aloft.process.KeyedJob;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.Output;
import io.aloft.process.ProcessingException;
import io.aloft.serde.Serializer;
import io.aloft.spi.backend.KeyGroupRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@link KeyedJob}: one {@link KeyedProcessor} per subtask, each created and driven on its own task
 * thread, fed through a bounded queue by the caller's thread.
 *
 * <p>Threading: the caller's thread routes and enqueues; each subtask's thread owns its processor; the
 * subtasks emit under {@link #outputLock}, which also guards the watermarks. A failure is published
 * through the volatile {@link #failure}, which every waiting call checks.
 */
public final class KeyedJobImpl<K, IN, OUT> implements KeyedJob<IN, OUT> {

  /** Creates subtask {@code index}'s processor on the calling (its task) thread, emitting to {@code output}. */
  @FunctionalInterface
  public interface Instances<K, IN, OUT> {
    KeyedProcessor<K, IN, OUT> create(int index, Output<OUT> output);
  }

  private static final long POLL_MILLIS = 50;

  /** How often an idle subtask looks at its clock for due processing-time timers. */
  private static final long PROCESSING_TIME_TICK_MILLIS = 10;

  private final String name;
  /** Whether {@code execution.checkpointing.dir} is set: without it a checkpoint is refused up front. */
  private final boolean checkpointsConfigured;
  private final Interval interval; // null: checkpoints on demand only
  private long lastCheckpointMillis; // caller thread

  /**
   * Checkpoints taken on the input thread once {@code every} has passed on {@code clock} since the
   * last one (or the start), recording the position {@code position} gives.
   */
  public record Interval(java.time.Duration every, java.time.InstantSource clock, java.util.function.LongSupplier position) {}
  private final KeySelector<IN, K> keySelector;
  private final Serializer<K> keySerializer;
  private final int maxParallelism;
  private final Output<OUT> output;
  private final List<Subtask> subtasks = new ArrayList<>();
  private final JobRegistry metrics;
  private final JmxExport jmx; // null: not published
  private final List<KeyGroupRange> ranges = new ArrayList<>();
  private final Object outputLock = new Object();
  private final long[] watermarks; // outputLock
  private volatile long emittedWatermark = Long.MIN_VALUE; // written under outputLock
  private volatile ProcessingException failure;
  private boolean closed; // caller thread
  /** The highest checkpoint id each subtask has taken or found, set as it starts. */
  private final long[] lastCheckpointIds;
  /** The input position each subtask was restored at ({@link Long#MIN_VALUE}: none), set as it starts. */
  private final long[] restoredPositions;
  private long nextCheckpointId; // caller thread

  /** The events a subtask's queue carries. */
  private sealed interface Event permits Element, Watermark, Barrier, CheckpointBarrier, Stop {}

  /** A record with its key already serialized and grouped, so that the subtask does neither again. */
  private record Element(Object record, Object key, byte[] keyBytes, int keyGroup, long timestamp, boolean timestamped)
      implements Event {}

  private record Watermark(long watermark) implements Event {}

  /** Reached once everything before it is processed: {@code drain} waits for it. */
  private record Barrier(CountDownLatch passed) implements Event {}

  private record Stop() implements Event {}

  /** Each subtask checkpoints on reaching it, into its slot of {@code parts}. */
  private record CheckpointBarrier(long id, long position, Checkpoint[] parts, CountDownLatch done)
      implements Event {}

  /**
   * Starts {@code parallelism} subtasks, each creating its processor with {@code instances}, and waits
   * until all are created; if one fails to start, the others are stopped and its failure is thrown.
   *
   * @param queueCapacity records (and watermarks) that may wait for each subtask
   */
  public KeyedJobImpl(
      String name,
      boolean checkpointsConfigured,
      Interval interval,
      int parallelism,
      int maxParallelism,
      int queueCapacity,
      KeySelector<IN, K> keySelector,
      Serializer<K> keySerializer,
      Output<OUT> output,
      Instances<K, IN, OUT> instances,
      boolean jmx) {
    this.name = name;
    this.checkpointsConfigured = checkpointsConfigured;
    this.interval = interval;
    this.maxParallelism = maxParallelism;
    this.keySelector = keySelector;
    this.keySerializer = keySerializer;
    this.output = output;
    this.watermarks = new long[parallelism];
    Arrays.fill(watermarks, Long.MIN_VALUE);
    this.lastCheckpointIds = new long[parallelism];
    this.restoredPositions = new long[parallelism];
    this.metrics =
        new JobRegistry(
            Map.of("job", name),
            () -> {
              List<MetricRegistry> started = new ArrayList<>();
              for (Subtask s : subtasks) {
                MetricRegistry m = s.metrics;
                if (m != null) {
                  started.add(m);
                }
              }
              return started;
            });
    metrics.own().gauge(MetricCatalog.JOB_QUEUED, () -> subtasks.stream().mapToLong(s -> s.queue.size()).sum());
    CountDownLatch started = new CountDownLatch(parallelism);
    for (int i = 0; i < parallelism; i++) {
      ranges.add(KeyGroups.rangeOf(i, parallelism, maxParallelism));
      subtasks.add(new Subtask(i, queueCapacity, instances, started));
    }
    subtasks.forEach(s -> s.thread.start());
    try {
      while (!started.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (failure != null) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = new ProcessingException(name + ": interrupted while starting its subtasks", e);
    }
    if (failure != null) {
      ProcessingException cause = failure;
      stopAll();
      throw cause;
    }
    this.jmx = jmx ? JmxExport.register(metrics, "KeyedJob", Map.of("name", name)) : null;
    // The latch ordered the subtasks' writes of these before this read.
    nextCheckpointId = Arrays.stream(lastCheckpointIds).max().orElse(0) + 1;
    lastCheckpointMillis = interval == null ? 0 : interval.clock().millis();
  }

  /** Takes the interval's checkpoint if it is due: before the next input, so the cut is between inputs. */
  private void checkpointIfDue() {
    if (interval != null
        && interval.clock().millis() - lastCheckpointMillis >= interval.every().toMillis()) {
      checkpoint(interval.position().getAsLong());
    }
  }

  @Override
  public void processElement(IN record) {
    route(record, 0, false);
  }

  @Override
  public void processElement(IN record, long timestamp) {
    route(record, timestamp, true);
  }

  private void route(IN record, long timestamp, boolean timestamped) {
    checkOpen("processElement");
    checkpointIfDue();
    K key;
    try {
      key = keySelector.getKey(record);
    } catch (Exception e) {
      throw new ProcessingException(name + ": the key selector failed on " + record, e);
    }
    if (key == null) {
      throw new ProcessingException(
          name + ": the key selector returned null for " + record, new NullPointerException("key"));
    }
    byte[] keyBytes = io.aloft.engine.keyedstate.Bytes.serialize(keySerializer, key);
    int keyGroup = KeyGroups.keyGroupOf(keyBytes, maxParallelism);
    int subtask = KeyGroups.subtaskOf(keyGroup, subtasks.size(), maxParallelism);
    put(subtasks.get(subtask), new Element(record, key, keyBytes, keyGroup, timestamp, timestamped));
  }

  @Override
  public void processWatermark(long watermark) {
    checkOpen("processWatermark");
    checkpointIfDue();
    for (Subtask s : subtasks) {
      put(s, new Watermark(watermark));
    }
  }

  @Override
  public void drain() {
    checkOpen("drain");
    drain0("drain");
  }

  @Override
  public Checkpoint checkpoint(long inputPosition) {
    checkOpen("checkpoint");
    if (inputPosition == Long.MIN_VALUE) {
      throw new IllegalArgumentException(
          name + ": input position " + inputPosition + " is reserved for \"none\"; give where the input stands");
    }
    lastCheckpointMillis = interval == null ? 0 : interval.clock().millis();
    if (!checkpointsConfigured) {
      throw new ConfigException(
          AloftOptions.CHECKPOINTING_DIR.key(),
          name + ": cannot checkpoint: '" + AloftOptions.CHECKPOINTING_DIR.key() + "' is not set");
    }
    long start = System.nanoTime();
    long id = nextCheckpointId++;
    Checkpoint[] parts = new Checkpoint[subtasks.size()];
    CountDownLatch done = new CountDownLatch(subtasks.size());
    for (Subtask s : subtasks) {
      put(s, new CheckpointBarrier(id, inputPosition, parts, done));
    }
    await(done, "checkpoint " + id);
    long referenced = 0;
    long copied = 0;
    long bytesCopied = 0;
    long bytesWritten = 0;
    for (Checkpoint part : parts) {
      referenced += part.filesReferenced();
      copied += part.filesCopied();
      bytesCopied += part.bytesCopied();
      bytesWritten += part.bytesWritten();
    }
    return new Checkpoint(
        id,
        parts[0].location(),
        referenced,
        copied,
        bytesCopied,
        bytesWritten,
        Duration.ofNanos(System.nanoTime() - start),
        OptionalLong.of(inputPosition));
  }

  @Override
  public OptionalLong restoredInputPosition() {
    long position = restoredPositions[0];
    return position == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(position);
  }

  @Override
  public long currentWatermark() {
    return emittedWatermark;
  }

  @Override
  public int parallelism() {
    return subtasks.size();
  }

  @Override
  public List<KeyGroupRange> keyGroupRanges() {
    return List.copyOf(ranges);
  }

  @Override
  public void close() {
    checkCaller("close");
    if (closed) {
      return;
    }
    closed = true;
    if (failure == null) {
      try {
        drain0("close");
      } catch (ProcessingException e) {
        // reported below, after every subtask has stopped
      }
    }
    stopAll();
    if (jmx != null) {
      jmx.close();
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public MetricRegistry metricRegistry() {
    return metrics;
  }

  /** Waits until every subtask has processed what was given before this call. */
  private void drain0(String what) {
    CountDownLatch passed = new CountDownLatch(subtasks.size());
    for (Subtask s : subtasks) {
      put(s, new Barrier(passed));
    }
    await(passed, what);
  }

  /** Tells every subtask to stop and waits for their threads; their processors close on them. */
  private void stopAll() {
    for (Subtask s : subtasks) {
      s.queue.add(new Stop()); // takes no slot: a stop always fits
    }
    // Every subtask is waited for even if this thread is interrupted: returning early would leave
    // subtasks closing their backends after close() returned. The interrupt is kept for the caller.
    boolean interrupted = false;
    for (Subtask s : subtasks) {
      while (s.thread.isAlive()) {
        try {
          s.thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkOpen(String method) {
    checkCaller(method);
    if (failure != null) {
      throw failure;
    }
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
  }

  /**
   * Refuses a call from a subtask's own thread (its function, a state callback or a timer): the
   * subtask would wait for itself, on a full queue or a barrier it has to pass.
   */
  private void checkCaller(String method) {
    Thread current = Thread.currentThread();
    for (Subtask s : subtasks) {
      if (s.thread == current) {
        throw new IllegalStateException(
            name + ": " + method + "() was called from inside subtask " + s.index + " of the same job"
                + " (from its function, a state callback or a timer); give the job its input from"
                + " outside it");
      }
    }
  }

  /** Enqueues {@code event}, waiting while the queue is full (back-pressure) unless the job fails. */
  private void put(Subtask s, Event event) {
    try {
      while (!s.slots.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (failure != null) {
          throw failure;
        }
      }
      s.queue.add(event);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessingException(name + ": interrupted while waiting for subtask " + s.index, e);
    }
  }

  private void await(CountDownLatch latch, String what) {
    try {
      while (!latch.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (failure != null) {
          throw failure;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessingException(name + ": interrupted during " + what, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void fail(int index, Throwable cause) {
    synchronized (outputLock) {
      if (failure == null) {
        failure =
            new ProcessingException(
                name + ": subtask " + index + " of " + subtasks.size() + " failed: " + cause, cause);
      }
    }
  }

  /** What subtask {@code index} emits: records as they come, watermarks as their minimum advances. */
  private Output<OUT> outputOf(int index) {
    return new Output<>() {
      @Override
      public void collect(OUT record) {
        synchronized (outputLock) {
          output.collect(record);
        }
      }

      @Override
      public void emitWatermark(long watermark) {
        synchronized (outputLock) {
          watermarks[index] = Math.max(watermarks[index], watermark);
          long min = Long.MAX_VALUE;
          for (long w : watermarks) {
            min = Math.min(min, w);
          }
          if (min > emittedWatermark) {
            emittedWatermark = min;
            output.emitWatermark(min);
          }
        }
      }
    };
  }

  /** One subtask: its queue, and the thread that owns its processor. */
  private final class Subtask {
    final int index;
    /** Unbounded itself; {@link #slots} bounds what the caller may put in it. */
    final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    /** The processor's metrics, once it started. */
    volatile MetricRegistry metrics;
    final Semaphore slots;
    final Thread thread;

    Subtask(int index, int queueCapacity, Instances<K, IN, OUT> instances, CountDownLatch started) {
      this.index = index;
      this.slots = new Semaphore(queueCapacity);
      this.thread =
          new Thread(() -> run(instances, started), name + "-subtask-" + index + "of" + subtasks());
    }

    private int subtasks() {
      return watermarks.length;
    }

    @SuppressWarnings("unchecked")
    private void run(Instances<K, IN, OUT> instances, CountDownLatch started) {
      KeyedProcessor<K, IN, OUT> processor = null;
      try {
        processor = instances.create(index, outputOf(index));
        metrics = processor.metricRegistry();
        lastCheckpointIds[index] = processor.lastCheckpointId().orElse(0);
        restoredPositions[index] = processor.restoredInputPosition().orElse(Long.MIN_VALUE);
        started.countDown();
        while (true) {
          // Idle, the subtask still fires processing-time timers as its clock reaches them.
          Event event = queue.poll(PROCESSING_TIME_TICK_MILLIS, TimeUnit.MILLISECONDS);
          if (event instanceof Stop) {
            return;
          }
          if (failure != null) {
            if (event != null) {
              slots.release();
            }
            continue; // the job failed: nothing more is processed, barriers are not released
          }
          processor.advanceProcessingTime();
          if (event == null) {
            continue;
          }
          slots.release();
          if (event instanceof Element e) {
            Long timestamp = e.timestamped() ? e.timestamp() : null;
            if (processor instanceof KeyedProcessorImpl<K, IN, OUT> impl) {
              impl.processRouted((IN) e.record(), (K) e.key(), e.keyBytes(), e.keyGroup(), timestamp);
            } else if (timestamp != null) {
              processor.processElement((IN) e.record(), timestamp);
            } else {
              processor.processElement((IN) e.record());
            }
          } else if (event instanceof Watermark w) {
            processor.processWatermark(w.watermark());
          } else if (event instanceof Barrier b) {
            processor.drain();
            b.passed().countDown();
          } else if (event instanceof CheckpointBarrier c) {
            c.parts()[index] = processor.checkpoint(c.id(), c.position());
            c.done().countDown();
          }
        }
      } catch (Throwable t) {
        fail(index, t);
        if (processor == null) {
          started.countDown();
        }
        drainUntilStop();
      } finally {
        if (processor != null) {
          try {
            processor.close();
          } catch (RuntimeException e) {
            fail(index, e);
          }
        }
      }
    }

    /** After a failure: takes events until the stop, so that the caller never waits on a full queue. */
    private void drainUntilStop() {
      try {
        while (!(queue.take() instanceof Stop)) {
          slots.release(); // discarded: the job has failed
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
