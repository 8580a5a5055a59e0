package io.aloft.benchmarks;

import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Each benchmark thread's seeded random choice of key or prefix, and its count of wrong answers (a get
 * that found nothing, a scan that did not see 100 entries), which fails the run at the end.
 */
@State(Scope.Thread)
public class Cursor {

  private final SplittableRandom random = new SplittableRandom(42);
  long wrong;

  long next(long bound) {
    return random.nextLong(bound);
  }

  @TearDown(Level.Trial)
  public void verify() {
    if (wrong != 0) {
      throw new IllegalStateException(wrong + " reads returned a wrong answer");
    }
  }
}
