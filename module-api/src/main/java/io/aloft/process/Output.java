package io.aloft.process;

/**
 * Where a {@link KeyedProcessor} sends its results: the records its function emits and the watermarks
 * it forwards. Called on the processor's task thread only.
 *
 * @param <T> record type
 */
@FunctionalInterface
public interface Output<T> extends Collector<T> {

  /**
   * A watermark passed the processor: every record before it has been fully processed and every
   * event-time timer at or before it has fired. Ignored by default.
   */
  default void emitWatermark(long watermark) {}
}
