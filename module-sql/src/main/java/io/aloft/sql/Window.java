package io.aloft.sql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A window table function on event time: {@code TUMBLE(size)}, {@code HOP(slide, size)} or {@code
 * CUMULATE(step, maxSize)}, in milliseconds, aligned to the epoch. Time is cut into slices of {@code
 * slide} (the size for tumble, the step for cumulate), and every window is a run of whole slices, so
 * the slide must divide the size, as Flink requires.
 */
public record Window(Kind kind, long size, long slide) {

  /** The window table functions. */
  public enum Kind {
    TUMBLE,
    HOP,
    CUMULATE
  }

  public Window {
    if (size <= 0 || slide <= 0) {
      throw new IllegalArgumentException(kind + ": sizes must be positive milliseconds");
    }
    if (size % slide != 0) {
      throw new IllegalArgumentException(
          kind + " needs its " + (kind == Kind.HOP ? "slide" : "step") + " (" + slide
              + " ms) to divide its size (" + size + " ms)");
    }
  }

  public static Window tumble(Duration size) {
    return new Window(Kind.TUMBLE, size.toMillis(), size.toMillis());
  }

  public static Window hop(Duration slide, Duration size) {
    return new Window(Kind.HOP, size.toMillis(), slide.toMillis());
  }

  public static Window cumulate(Duration step, Duration maxSize) {
    return new Window(Kind.CUMULATE, maxSize.toMillis(), step.toMillis());
  }

  /** The length of a slice: the unit of state. */
  public long sliceSize() {
    return slide;
  }

  /** The end of the slice holding {@code millis}. */
  public long sliceEnd(long millis) {
    return Math.floorDiv(millis, slide) * slide + slide;
  }

  /** The ends of the windows that hold the slice ending at {@code sliceEnd}, earliest first. */
  public List<Long> windowEnds(long sliceEnd) {
    List<Long> ends = new ArrayList<>();
    switch (kind) {
      case TUMBLE -> ends.add(sliceEnd);
      case HOP -> {
        for (long end = sliceEnd; end < sliceEnd + size; end += slide) {
          ends.add(end);
        }
      }
      case CUMULATE -> {
        long periodEnd = Math.floorDiv(sliceEnd - 1, size) * size + size;
        for (long end = sliceEnd; end <= periodEnd; end += slide) {
          ends.add(end);
        }
      }
    }
    return ends;
  }

  /** The start of the window ending at {@code end}. */
  public long windowStart(long end) {
    return switch (kind) {
      case TUMBLE, HOP -> end - size;
      case CUMULATE -> Math.floorDiv(end - 1, size) * size;
    };
  }

  /** {@code TUMBLE(10000 ms)}. */
  @Override
  public String toString() {
    return switch (kind) {
      case TUMBLE -> "TUMBLE(" + size + " ms)";
      case HOP -> "HOP(slide " + slide + " ms, size " + size + " ms)";
      case CUMULATE -> "CUMULATE(step " + slide + " ms, max size " + size + " ms)";
    };
  }
}
