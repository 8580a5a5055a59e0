package io.aloft.engine.testkit;

import io.aloft.engine.testkit.StateBackendBehaviourSuite.States;
import io.aloft.process.Collector;
import io.aloft.state.StateFuture;
import io.aloft.state.StateFutures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Programs of state operations on the suite's five states ({@link States}), run two ways: on a real
 * processor, where each step is issued asynchronously (unchained, or chained with {@code thenCompose})
 * or synchronously and reads carry callbacks that issue further steps; and on a plain in-memory model
 * with the semantics of a synchronous execution (every operation takes effect when issued, every
 * callback runs at once). The README promises that both give the same state and the same reads, on
 * every backend.
 *
 * <p>Reads emit {@code "<key> <label>=<value>"}; maps are rendered sorted by user key, so output does not
 * depend on the serialized key order (tested elsewhere).
 */
public final class StatePrograms {
  private StatePrograms() {}

  /** One state operation, issued three ways. Reads yield their value rendered as text, writes null. */
  public interface Operation {
    StateFuture<String> async(States s);

    String sync(States s) throws Exception;

    String model(KeyModel m);

    boolean isRead();
  }

  /** A step of a program: an operation, how it is issued, and what its callback issues. */
  public record Step(String label, Operation op, boolean sync, boolean chained, List<Step> then) {
    @Override
    public String toString() {
      String how = sync ? "sync " : chained ? "chained " : "";
      return label + ":" + how + op + (then.isEmpty() ? "" : " -> " + then);
    }
  }

  /** The model's state of one key. */
  public static final class KeyModel {
    Integer value;
    List<String> list = new ArrayList<>();
    Map<String, Long> map = new HashMap<>();
    Long sum;
    long[] average; // {sum, count}, or null

    /** What {@link #dump} reads for this key. */
    public String render() {
      return "value=" + value + " list=" + list + " map=" + new TreeMap<>(map) + " sum=" + sum
          + " average=" + (average == null ? null : (double) average[0] / average[1]);
    }
  }

  // ------------------------------------------------------------------------------------ running

  /** Runs {@code steps} on the real states, in user code of the record of {@code key}. */
  public static void run(List<Step> steps, States s, Collector<String> out, String key) throws Exception {
    for (Step step : steps) {
      run(step, s, out, key);
    }
  }

  private static StateFuture<?> run(Step step, States s, Collector<String> out, String key) throws Exception {
    if (step.sync()) {
      String v = step.op().sync(s);
      emit(step, v, out, key);
      StateFuture<?> last = StateFutures.completedVoidFuture();
      for (Step next : step.then()) {
        last = run(next, s, out, key);
      }
      return last;
    }
    StateFuture<String> f = step.op().async(s);
    if (step.then().isEmpty() && !step.op().isRead()) {
      return f; // dropped: an unchained write
    }
    if (step.chained()) {
      return f.thenCompose(
          v -> {
            emit(step, v, out, key);
            StateFuture<?> last = StateFutures.completedVoidFuture();
            for (Step next : step.then()) {
              last = run(next, s, out, key);
            }
            return last;
          });
    }
    f.thenAccept(
        v -> {
          emit(step, v, out, key);
          for (Step next : step.then()) {
            run(next, s, out, key);
          }
        });
    return f;
  }

  private static void emit(Step step, String value, Collector<String> out, String key) {
    if (step.op().isRead()) {
      out.collect(key + " " + step.label() + "=" + value);
    }
  }

  /** Runs {@code steps} on the model as a synchronous execution would; reads go to {@code out}. */
  public static void model(List<Step> steps, KeyModel m, List<String> out, String key) {
    for (Step step : steps) {
      String v = step.op().model(m);
      if (step.op().isRead()) {
        out.add(key + " " + step.label() + "=" + v);
      }
      model(step.then(), m, out, key);
    }
  }

  /** Reads every state of the current key synchronously, rendered like {@link KeyModel#render}. */
  public static String dump(States s) {
    Map<String, Long> map = new TreeMap<>();
    s.map().entries().forEach(e -> map.put(e.getKey(), e.getValue()));
    List<String> list = new ArrayList<>();
    s.list().get().forEach(list::add);
    return "value=" + s.value().value() + " list=" + list + " map=" + map + " sum=" + s.sum().get()
        + " average=" + s.average().get();
  }

  // ------------------------------------------------------------------------------------ catalogue

  /** Every operation of every state kind, with fixed arguments: for exhaustive pairs. */
  public static List<List<Operation>> catalogueByState() {
    return List.of(
        List.of(new ValueUpdate(1), new ValueUpdate(null), new ValueClear(), new ValueRead(), new ValueIncrement(2),
            new ValueAndSumCombined()),
        List.of(new ListAdd("a"), new ListAddAll(List.of("b", "c")), new ListAddAll(List.of()),
            new ListUpdate(List.of("d")), new ListUpdate(List.of()), new ListClear(), new ListRead()),
        List.of(new MapPut("x", 1L), new MapPut("x", null), new MapPutAll(mapOf("x", 2L, "y", null, "z", 3L)),
            new MapRemove("x"), new MapClear(), new MapGet("x"), new MapContains("z"), new MapEntries(),
            new MapIsEmpty()),
        List.of(new SumAdd(1), new SumAdd(2), new SumClear(), new SumRead()),
        List.of(new AverageAdd(4), new AverageAdd(6), new AverageClear(), new AverageRead()));
  }

  /** A random operation on a random state, with random arguments. */
  public static Operation randomOperation(Random r) {
    String u = "u" + r.nextInt(5);
    switch (r.nextInt(5)) {
      case 0:
        return switch (r.nextInt(7)) {
          case 0, 1 -> new ValueUpdate(r.nextInt(8) == 0 ? null : r.nextInt(100));
          case 2 -> new ValueClear();
          case 3 -> new ValueRead();
          case 4 -> new ValueAndSumCombined();
          case 5 -> new AllCombined();
          default -> new ValueIncrement(1 + r.nextInt(5));
        };
      case 1:
        return switch (r.nextInt(7)) {
          case 0, 1 -> new ListAdd("e" + r.nextInt(100));
          case 2 -> new ListAddAll(r.nextInt(4) == 0 ? List.of() : List.of("f" + r.nextInt(10), "g" + r.nextInt(10)));
          case 3 -> new ListUpdate(r.nextInt(3) == 0 ? List.of() : List.of("h" + r.nextInt(10)));
          case 4 -> new ListClear();
          default -> new ListRead();
        };
      case 2:
        return switch (r.nextInt(9)) {
          case 0, 1 -> new MapPut(u, r.nextInt(8) == 0 ? null : (long) r.nextInt(100));
          case 2 -> new MapPutAll(mapOf(u, (long) r.nextInt(100), "u" + r.nextInt(5), r.nextBoolean() ? null : 7L));
          case 3 -> new MapRemove(u);
          case 4 -> new MapClear();
          case 5 -> new MapGet(u);
          case 6 -> new MapContains(u);
          case 7 -> new MapEntries();
          default -> new MapIsEmpty();
        };
      case 3:
        return switch (r.nextInt(4)) {
          case 0, 1 -> new SumAdd(1 + r.nextInt(9));
          case 2 -> new SumClear();
          default -> new SumRead();
        };
      default:
        return switch (r.nextInt(4)) {
          case 0, 1 -> new AverageAdd(r.nextInt(50));
          case 2 -> new AverageClear();
          default -> new AverageRead();
        };
    }
  }

  /**
   * A random program: 1–5 steps; a fifth of them synchronous; some with callbacks (up to two levels
   * deep) that issue further steps, half of those chained with {@code thenCompose}.
   */
  public static List<Step> randomProgram(Random r) {
    return randomSteps(r, "", 1 + r.nextInt(5), 0);
  }

  private static List<Step> randomSteps(Random r, String prefix, int n, int depth) {
    List<Step> steps = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String label = prefix + i;
      List<Step> then =
          depth < 2 && r.nextInt(4) == 0 ? randomSteps(r, label + ".", 1 + r.nextInt(3), depth + 1) : List.of();
      steps.add(new Step(label, randomOperation(r), r.nextInt(5) == 0, r.nextBoolean(), then));
    }
    return steps;
  }

  @SafeVarargs
  private static <V> Map<String, V> mapOf(Object... keysAndValues) {
    Map<String, V> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      @SuppressWarnings("unchecked")
      V v = (V) keysAndValues[i + 1];
      m.put((String) keysAndValues[i], v);
    }
    return m;
  }

  private static <T> List<T> list(Iterable<T> it) {
    List<T> l = new ArrayList<>();
    it.forEach(l::add);
    return l;
  }

  private static String sorted(Iterable<Map.Entry<String, Long>> entries) {
    Map<String, Long> m = new TreeMap<>();
    entries.forEach(e -> m.put(e.getKey(), e.getValue()));
    return m.toString();
  }

  // value

  public record ValueUpdate(Integer v) implements Operation {
    public StateFuture<String> async(States s) { return s.value().asyncUpdate(v).thenApply(x -> null); }
    public String sync(States s) { s.value().update(v); return null; }
    public String model(KeyModel m) { m.value = v; return null; }
    public boolean isRead() { return false; }
  }

  record ValueClear() implements Operation {
    public StateFuture<String> async(States s) { return s.value().asyncClear().thenApply(x -> null); }
    public String sync(States s) { s.value().clear(); return null; }
    public String model(KeyModel m) { m.value = null; return null; }
    public boolean isRead() { return false; }
  }

  public record ValueRead() implements Operation {
    public StateFuture<String> async(States s) { return s.value().asyncValue().thenApply(String::valueOf); }
    public String sync(States s) { return String.valueOf(s.value().value()); }
    public String model(KeyModel m) { return String.valueOf(m.value); }
    public boolean isRead() { return true; }
  }

  /** A read-modify-write the user writes as a chain: read, then update with what was read. */
  record ValueIncrement(int by) implements Operation {
    public StateFuture<String> async(States s) {
      return s.value().asyncValue().thenCompose(x -> s.value().asyncUpdate((x == null ? 0 : x) + by)).thenApply(x -> null);
    }
    public String sync(States s) { Integer x = s.value().value(); s.value().update((x == null ? 0 : x) + by); return null; }
    public String model(KeyModel m) { m.value = (m.value == null ? 0 : m.value) + by; return null; }
    public boolean isRead() { return false; }
  }

  /** Two reads issued back to back and joined with {@code thenCombine}. */
  record ValueAndSumCombined() implements Operation {
    public StateFuture<String> async(States s) {
      return s.value().asyncValue().thenCombine(s.sum().asyncGet(), (v, n) -> v + "/" + n);
    }
    public String sync(States s) { return s.value().value() + "/" + s.sum().get(); }
    public String model(KeyModel m) { return m.value + "/" + m.sum; }
    public boolean isRead() { return true; }
  }

  /** Reads of three states joined with {@code StateFutures.combineAll}. */
  record AllCombined() implements Operation {
    public StateFuture<String> async(States s) {
      List<StateFuture<?>> reads = List.of(s.value().asyncValue(), s.sum().asyncGet(), s.average().asyncGet());
      return StateFutures.combineAll(reads).thenApply(Object::toString);
    }
    public String sync(States s) { return java.util.Arrays.asList(s.value().value(), s.sum().get(), s.average().get()).toString(); }
    public String model(KeyModel m) {
      return java.util.Arrays.asList(
              m.value, m.sum, m.average == null ? null : (Double) ((double) m.average[0] / m.average[1]))
          .toString();
    }
    public boolean isRead() { return true; }
  }

  // list

  public record ListAdd(String e) implements Operation {
    public StateFuture<String> async(States s) { return s.list().asyncAdd(e).thenApply(x -> null); }
    public String sync(States s) { s.list().add(e); return null; }
    public String model(KeyModel m) { m.list.add(e); return null; }
    public boolean isRead() { return false; }
  }

  record ListAddAll(List<String> es) implements Operation {
    public StateFuture<String> async(States s) { return s.list().asyncAddAll(es).thenApply(x -> null); }
    public String sync(States s) { s.list().addAll(es); return null; }
    public String model(KeyModel m) { m.list.addAll(es); return null; }
    public boolean isRead() { return false; }
  }

  record ListUpdate(List<String> es) implements Operation {
    public StateFuture<String> async(States s) { return s.list().asyncUpdate(es).thenApply(x -> null); }
    public String sync(States s) { s.list().update(es); return null; }
    public String model(KeyModel m) { m.list = new ArrayList<>(es); return null; }
    public boolean isRead() { return false; }
  }

  record ListClear() implements Operation {
    public StateFuture<String> async(States s) { return s.list().asyncClear().thenApply(x -> null); }
    public String sync(States s) { s.list().clear(); return null; }
    public String model(KeyModel m) { m.list = new ArrayList<>(); return null; }
    public boolean isRead() { return false; }
  }

  record ListRead() implements Operation {
    public StateFuture<String> async(States s) {
      return StateFutures.toIterable(s.list().asyncGet()).thenApply(it -> list(it).toString());
    }
    public String sync(States s) { return list(s.list().get()).toString(); }
    public String model(KeyModel m) { return m.list.toString(); }
    public boolean isRead() { return true; }
  }

  // map

  public record MapPut(String k, Long v) implements Operation {
    public StateFuture<String> async(States s) { return s.map().asyncPut(k, v).thenApply(x -> null); }
    public String sync(States s) { s.map().put(k, v); return null; }
    public String model(KeyModel m) { if (v == null) { m.map.remove(k); } else { m.map.put(k, v); } return null; }
    public boolean isRead() { return false; }
  }

  record MapPutAll(Map<String, Long> entries) implements Operation {
    public StateFuture<String> async(States s) { return s.map().asyncPutAll(entries).thenApply(x -> null); }
    public String sync(States s) { s.map().putAll(entries); return null; }
    public String model(KeyModel m) {
      entries.forEach((k, v) -> { if (v == null) { m.map.remove(k); } else { m.map.put(k, v); } });
      return null;
    }
    public boolean isRead() { return false; }
  }

  public record MapRemove(String k) implements Operation {
    public StateFuture<String> async(States s) { return s.map().asyncRemove(k).thenApply(x -> null); }
    public String sync(States s) { s.map().remove(k); return null; }
    public String model(KeyModel m) { m.map.remove(k); return null; }
    public boolean isRead() { return false; }
  }

  record MapClear() implements Operation {
    public StateFuture<String> async(States s) { return s.map().asyncClear().thenApply(x -> null); }
    public String sync(States s) { s.map().clear(); return null; }
    public String model(KeyModel m) { m.map.clear(); return null; }
    public boolean isRead() { return false; }
  }

  record MapGet(String k) implements Operation {
    public StateFuture<String> async(States s) { return s.map().asyncGet(k).thenApply(String::valueOf); }
    public String sync(States s) { return String.valueOf(s.map().get(k)); }
    public String model(KeyModel m) { return String.valueOf(m.map.get(k)); }
    public boolean isRead() { return true; }
  }

  record MapContains(String k) implements Operation {
    public StateFuture<String> async(States s) { return s.map().asyncContains(k).thenApply(String::valueOf); }
    public String sync(States s) { return String.valueOf(s.map().contains(k)); }
    public String model(KeyModel m) { return String.valueOf(m.map.containsKey(k)); }
    public boolean isRead() { return true; }
  }

  public record MapEntries() implements Operation {
    public StateFuture<String> async(States s) {
      return StateFutures.toIterable(s.map().asyncEntries()).thenApply(StatePrograms::sorted);
    }
    public String sync(States s) { return sorted(s.map().entries()); }
    public String model(KeyModel m) { return new TreeMap<>(m.map).toString(); }
    public boolean isRead() { return true; }
  }

  record MapIsEmpty() implements Operation {
    public StateFuture<String> async(States s) { return s.map().asyncIsEmpty().thenApply(String::valueOf); }
    public String sync(States s) { return String.valueOf(s.map().isEmpty()); }
    public String model(KeyModel m) { return String.valueOf(m.map.isEmpty()); }
    public boolean isRead() { return true; }
  }

  // reducing (sum)

  record SumAdd(long n) implements Operation {
    public StateFuture<String> async(States s) { return s.sum().asyncAdd(n).thenApply(x -> null); }
    public String sync(States s) { s.sum().add(n); return null; }
    public String model(KeyModel m) { m.sum = m.sum == null ? n : m.sum + n; return null; }
    public boolean isRead() { return false; }
  }

  record SumClear() implements Operation {
    public StateFuture<String> async(States s) { return s.sum().asyncClear().thenApply(x -> null); }
    public String sync(States s) { s.sum().clear(); return null; }
    public String model(KeyModel m) { m.sum = null; return null; }
    public boolean isRead() { return false; }
  }

  record SumRead() implements Operation {
    public StateFuture<String> async(States s) { return s.sum().asyncGet().thenApply(String::valueOf); }
    public String sync(States s) { return String.valueOf(s.sum().get()); }
    public String model(KeyModel m) { return String.valueOf(m.sum); }
    public boolean isRead() { return true; }
  }

  // aggregating (average)

  record AverageAdd(int n) implements Operation {
    public StateFuture<String> async(States s) { return s.average().asyncAdd(n).thenApply(x -> null); }
    public String sync(States s) { s.average().add(n); return null; }
    public String model(KeyModel m) {
      m.average = m.average == null ? new long[] {n, 1} : new long[] {m.average[0] + n, m.average[1] + 1};
      return null;
    }
    public boolean isRead() { return false; }
  }

  record AverageClear() implements Operation {
    public StateFuture<String> async(States s) { return s.average().asyncClear().thenApply(x -> null); }
    public String sync(States s) { s.average().clear(); return null; }
    public String model(KeyModel m) { m.average = null; return null; }
    public boolean isRead() { return false; }
  }

  record AverageRead() implements Operation {
    public StateFuture<String> async(States s) { return s.average().asyncGet().thenApply(String::valueOf); }
    public String sync(States s) { return String.valueOf(s.average().get()); }
    public String model(KeyModel m) {
      return String.valueOf(m.average == null ? null : (Double) ((double) m.average[0] / m.average[1]));
    }
    public boolean isRead() { return true; }
  }

  static List<Step> steps(boolean sync, Operation... ops) {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < ops.length; i++) {
      steps.add(new Step(String.valueOf(i), ops[i], sync, false, List.of()));
    }
    return steps;
  }

  static List<Operation> ops(Operation... ops) {
    return Arrays.asList(ops);
  }
}
