package io.aloft.sql;

import io.aloft.config.ConfigOption;
import io.aloft.engine.testkit.ConfigTables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/sql.md's key table is generated from the options. */
class SqlOptionsTest {

  @Test
  void theDocsKeyTableIsCurrent() throws IOException {
    List<ConfigOption<?>> options = new ArrayList<>(SqlOptions.all());
    options.add(AloftSql.PARALLELISM);
    ConfigTables.assertCurrent(
        Path.of("..", "docs", "sql.md"),
        "<!-- sql-config-table:start (generated from SqlOptions and AloftSql.PARALLELISM) -->",
        "<!-- sql-config-table:end -->",
        options,
        "./mvnw -pl module-sql test -Dtest=SqlOptionsTest");
  }
}
