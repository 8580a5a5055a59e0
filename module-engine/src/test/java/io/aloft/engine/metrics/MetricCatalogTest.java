package io.aloft.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.engine.testkit.ConfigTables;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The catalog is the contract: docs/metrics.md lists it, and its names are unique. */
class MetricCatalogTest {

  static String markdown() {
    StringBuilder s = new StringBuilder("| name | kind | unit | Flink's name | meaning |\n|---|---|---|---|---|\n");
    for (MetricSpec spec : MetricCatalog.all()) {
      String kind = spec.kind().name().toLowerCase(java.util.Locale.ROOT);
      if (spec.kind() == MetricSpec.Kind.GAUGE && spec.jobValue() == MetricSpec.JobValue.MAX) {
        kind += " (largest)";
      }
      s.append("| `").append(spec.name()).append("` | ").append(kind).append(" | ").append(spec.unit())
          .append(" | ").append(spec.flinkName() == null ? "" : "`" + spec.flinkName() + "`")
          .append(" | ").append(spec.description().replace("|", "\\|")).append(" |\n");
    }
    return s.toString();
  }

  @Test
  void docsMetricsListsEveryMetricOfTheCatalog() throws Exception {
    ConfigTables.assertTable(
        Path.of("..", "docs", "metrics.md"),
        "<!-- metrics-table:start (generated from MetricCatalog) -->",
        "<!-- metrics-table:end -->",
        markdown(),
        "./mvnw -pl module-engine test -Dtest=MetricCatalogTest");
  }

  @Test
  void namesAndFlinkNamesAreUnique() {
    Set<String> seen = new HashSet<>();
    for (MetricSpec spec : MetricCatalog.all()) {
      assertThat(seen.add(spec.name())).as(spec.name()).isTrue();
      if (spec.flinkName() != null) {
        assertThat(seen.add(spec.flinkName())).as(spec.flinkName()).isTrue();
      }
      assertThat(MetricCatalog.byName(spec.name())).isSameAs(spec);
    }
  }

  @Test
  void aProvidersRequestCountIsACounter() {
    assertThat(MetricCatalog.byName("forst.storage.requests.GetObject").kind()).isEqualTo(MetricSpec.Kind.COUNTER);
    assertThat(MetricCatalog.byName("no.such.metric")).isNull();
  }
}
