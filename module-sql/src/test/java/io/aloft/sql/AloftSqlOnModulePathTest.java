package io.aloft.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.engine.testkit.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calcite's parser resolves on the module path: a small application module ({@code
 * src/test/modulepath}) requiring {@code io.aloft.sql} is compiled and launched in a new JVM whose
 * module path holds only this module and its runtime dependencies (Calcite's jars as automatic
 * modules), and runs SQL text there.
 */
class AloftSqlOnModulePathTest {

  @Test
  void anApplicationOnTheModulePathRunsSqlText(@TempDir Path dir) throws IOException, InterruptedException {
    String stdout =
        ChildJvm.runOnModulePath(dir, List.of(), "io.aloft.sql.blackbox/io.aloft.sql.blackbox.Main", List.of());
    assertThat(stdout)
        .contains("parser in module calcite.core (automatic)\n")
        .contains("counts {0=34, 1=33, 2=33}\n")
        .contains("refused at line 1, column 81\n");
  }
}
