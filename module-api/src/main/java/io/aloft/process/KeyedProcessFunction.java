package io.aloft.process;

/**
 * User logic over a keyed stream (Flink's {@code KeyedProcessFunction}, on State V2). States obtained in
 * {@link #open} are scoped to the key of the record or timer being processed.
 *
 * <p>Guarantees: for one key, {@link #processElement} runs in arrival order and sees every state effect
 * of the earlier records of that key; all methods and all state callbacks run on the processor's task
 * thread.
 *
 * @param <K> key type
 * @param <IN> input record type
 * @param <OUT> output record type
 */
public abstract class KeyedProcessFunction<K, IN, OUT> {

  /** Called once before the first record: obtain states here. */
  public void open(StateContext context) throws Exception {}

  /** Processes one record; {@code context.currentKey()} is its key. */
  public abstract void processElement(IN value, Context<K> context, Collector<OUT> out)
      throws Exception;

  /**
   * Called when a timer of {@code context.currentKey()} fires: an event-time timer when a watermark
   * passes it, a processing-time timer when the clock does ({@code context.timeDomain()} says which).
   */
  public void onTimer(long timestamp, Context<K> context, Collector<OUT> out) throws Exception {}

  /**
   * Runs on the task thread when a watermark arrives — after every earlier record was processed (its
   * {@code processElement} and callbacks), before the timers the watermark fires and before it goes
   * downstream — with no current key: an operator that buffers (a mini-batch, a Top-N) flushes here,
   * touching each key's state through {@link Context#processWithKey}.
   */
  public void beforeWatermark(long watermark, Context<K> context, Collector<OUT> out) throws Exception {}

  /**
   * Runs on the task thread before checkpoint {@code checkpointId} is taken — after every record before
   * the checkpoint was processed — with no current key: what it writes (through {@link
   * Context#processWithKey}) is in the checkpoint.
   */
  public void beforeCheckpoint(long checkpointId, Context<K> context, Collector<OUT> out) throws Exception {}

  /** Called once when the processor closes. */
  public void close() throws Exception {}

  /**
   * What a function knows about the record or timer it is processing.
   *
   * @param <K> key type
   */
  public interface Context<K> {

    /** The key of the record or timer. */
    K currentKey();

    /**
     * The event-time timestamp of the record, or of the timer that fired; {@code null} when the record
     * was given none.
     */
    Long timestamp();

    /** Timers and time of the current key. */
    TimerService timerService();

    /**
     * In {@code onTimer}: the clock of the timer that fired; null while processing a record, and in the
     * state callbacks {@code onTimer} attaches (read it in the body and capture it).
     */
    TimeDomain timeDomain();

    /**
     * In {@code onTimer} of a timer set through {@link NamespacedTimers}: its namespace; null for the
     * plain timers of {@link TimerService}, while processing a record, and in the state callbacks
     * {@code onTimer} attaches (read it in the body and capture it).
     */
    <N> N timerNamespace();

    /**
     * Runs {@code body} under {@code key} (its states and timers are {@code key}'s), in that key's order
     * with its records and timers, as Flink's {@code asyncProcessWithKey}: from a hook at once; from a
     * record, timer or callback once it returns (never nested inside another key's processing). The key
     * must be one this instance owns.
     *
     * @throws IllegalArgumentException if another instance owns {@code key}'s key group
     */
    void processWithKey(K key, io.aloft.state.ThrowingConsumer<Context<K>, ? extends Exception> body);
  }
}
