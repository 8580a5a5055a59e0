/**
 * An application that runs SQL text on Aloft from the module path, with Calcite's jars as automatic
 * modules. Compiled and launched by {@code AloftSqlOnModulePathTest}.
 */
module io.aloft.sql.blackbox {
  requires io.aloft.sql;
}
