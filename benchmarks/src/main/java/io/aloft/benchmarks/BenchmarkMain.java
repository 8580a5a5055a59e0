package io.aloft.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * The jar's entry point: JMH's command line, unchanged, followed by a table that puts each Aloft result
 * beside the RocksDB and ForSt results of the same benchmark and parameters, with their ratios. The table is also
 * written to {@code -Daloft.bench.table=FILE} when that is set.
 */
public final class BenchmarkMain {

  static final String TABLE_PROPERTY = "aloft.bench.table";

  private BenchmarkMain() {}

  public static void main(String[] args) throws RunnerException, IOException {
    CommandLineOptions options;
    try {
      options = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("Error parsing command line: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
        || options.shouldListProfilers() || options.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    Collection<RunResult> results = new Runner(options).run();
    String table = ratioTable(results);
    System.out.println();
    System.out.println(table);
    String file = System.getProperty(TABLE_PROPERTY);
    if (file != null) {
      Files.writeString(Path.of(file), table, StandardCharsets.UTF_8);
    }
  }

  /**
   * One row per benchmark and parameters (other than the engine): each engine's operations per second,
   * and Aloft's over RocksDB's and over ForSt's.
   */
  static String ratioTable(Collection<RunResult> results) {
    Engine[] engines = Engine.values();
    Map<String, double[]> rows = new TreeMap<>();
    for (RunResult r : results) {
      BenchmarkParams p = r.getParams();
      String engine = p.getParam("engine");
      if (engine == null) {
        continue;
      }
      StringBuilder params = new StringBuilder();
      for (String key : p.getParamsKeys()) {
        if (!key.equals("engine")) {
          params.append(params.length() == 0 ? "" : ", ").append(key).append('=').append(p.getParam(key));
        }
      }
      String benchmark = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.', p.getBenchmark().lastIndexOf('.') - 1) + 1);
      double[] row =
          rows.computeIfAbsent(benchmark + " | " + params, k -> {
            double[] empty = new double[engines.length];
            java.util.Arrays.fill(empty, Double.NaN);
            return empty;
          });
      row[Engine.parse(engine).ordinal()] = opsPerSecond(r.getPrimaryResult(), p);
    }
    StringBuilder out = new StringBuilder();
    out.append("| benchmark | parameters | Aloft ops/s | RocksDB ops/s | ForSt ops/s | Aloft / RocksDB | Aloft / ForSt |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, double[]> row : rows.entrySet()) {
      double aloft = row.getValue()[Engine.ALOFT.ordinal()];
      double rocks = row.getValue()[Engine.ROCKSDB.ordinal()];
      double forst = row.getValue()[Engine.FORST.ordinal()];
      out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n",
          row.getKey(), ops(aloft), ops(rocks), ops(forst), ratio(aloft, rocks), ratio(aloft, forst)));
    }
    return out.toString();
  }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) ? "–" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  /**
   * Operations per second: throughput scores as they are; a single-shot time of a fill as its keys per
   * second.
   */
  static double opsPerSecond(Result<?> result, BenchmarkParams p) {
    String unit = result.getScoreUnit();
    double score = result.getScore();
    if (unit.equals("ops/s")) {
      return score;
    }
    double seconds;
    switch (unit) {
      case "s/op" -> seconds = score;
      case "ms/op" -> seconds = score / 1e3;
      case "us/op" -> seconds = score / 1e6;
      case "ns/op" -> seconds = score / 1e9;
      default -> {
        return Double.NaN;
      }
    }
    String keys = p.getParam("keys");
    double perOp = keys != null && p.getMode().shortLabel().equals("ss") ? Double.parseDouble(keys) : 1;
    return perOp / seconds;
  }

  private static String ops(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,.0f", value);
  }
}
