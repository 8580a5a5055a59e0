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

    /** In {@code onTimer}: the clock of the timer that fired; null while processing a record. */
    TimeDomain timeDomain();
  }
}
