package io.aloft.samples;

import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.MapState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.StateFuture;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;

/**
 * Clicks per user and tumbling event-time window. Each click adds one to the user's open window in a
 * {@link MapState} (window end → clicks; several windows may be open while the watermark lags) and to
 * the user's lifetime total in a {@link ValueState}; an event-time timer at the window's end emits the
 * window's count and removes it. All state access is asynchronous (State V2).
 */
public final class WindowedClickCounts extends KeyedProcessFunction<String, Click, WindowCount> {
  private final long windowMillis;
  private MapState<Long, Long> clicksPerWindow;
  private ValueState<Long> totalClicks;

  public WindowedClickCounts(long windowMillis) {
    this.windowMillis = windowMillis;
  }

  @Override
  public void open(StateContext context) {
    clicksPerWindow =
        context.getMapState(
            new MapStateDescriptor<>("clicks-per-window", Serializers.LONG, Serializers.LONG));
    totalClicks = context.getState(new ValueStateDescriptor<>("total-clicks", Serializers.LONG));
  }

  @Override
  public void processElement(Click click, Context<String> context, Collector<WindowCount> out) {
    long windowEnd = click.time() - Math.floorMod(click.time(), windowMillis) + windowMillis;
    context.timerService().registerEventTimeTimer(windowEnd - 1);
    // Both reads are issued before any callback is attached, so they go out in one batch; each
    // callback then writes what its read returned (callbacks run in the order they were attached).
    StateFuture<Long> inWindow = clicksPerWindow.asyncGet(windowEnd);
    StateFuture<Long> total = totalClicks.asyncValue();
    inWindow.thenCompose(n -> clicksPerWindow.asyncPut(windowEnd, n == null ? 1 : n + 1));
    total.thenCompose(n -> totalClicks.asyncUpdate(n == null ? 1 : n + 1));
  }

  @Override
  public void onTimer(long timestamp, Context<String> context, Collector<WindowCount> out) {
    long windowEnd = timestamp + 1;
    clicksPerWindow
        .asyncGet(windowEnd)
        .thenCombine(
            totalClicks.asyncValue(),
            (clicks, total) ->
                new WindowCount(
                    context.currentKey(), windowEnd - windowMillis, windowEnd, clicks, total))
        .thenAccept(out::collect)
        .thenCompose(done -> clicksPerWindow.asyncRemove(windowEnd));
  }
}
