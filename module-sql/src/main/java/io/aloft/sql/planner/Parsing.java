package io.aloft.sql.planner;

import io.aloft.sql.SqlPlanningException;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Calcite's SQL parser set up for Flink's dialect: identifiers quoted with backticks, kept as written
 * and matched without regard to case.
 */
public final class Parsing {

  private Parsing() {}

  static final SqlParser.Config CONFIG =
      SqlParser.config()
          .withQuoting(Quoting.BACK_TICK)
          .withUnquotedCasing(Casing.UNCHANGED)
          .withQuotedCasing(Casing.UNCHANGED)
          .withCaseSensitive(false);

  /** Parses one statement (a query or an {@code INSERT}). */
  public static SqlNode statement(String sql) {
    try {
      return SqlParser.create(sql, CONFIG).parseStmt();
    } catch (SqlParseException e) {
      throw syntaxError(e, 0, 0);
    }
  }

  /** Parses an expression that starts at {@code line}/{@code column} of a statement (both from 1). */
  static SqlNode expression(String sql, int line, int column) {
    try {
      return SqlParser.create(sql, CONFIG).parseExpression();
    } catch (SqlParseException e) {
      throw syntaxError(e, line - 1, column - 1);
    }
  }

  private static SqlPlanningException syntaxError(SqlParseException e, int lineOffset, int columnOffset) {
    if (e.getCause() instanceof LinkageError broken) {
      // Not the statement's fault: a library Calcite needs is missing from the class or module path.
      throw new IllegalStateException("Calcite's SQL parser cannot run: " + broken, broken);
    }
    SqlParserPos pos = e.getPos();
    int line = pos == null ? 1 : pos.getLineNum();
    int column = pos == null ? 1 : pos.getColumnNum();
    String message =
        (e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse(""))
            .replaceAll(" at line \\d+, column \\d+\\.?", "");
    return new SqlPlanningException(
        "syntax error: " + message, line + lineOffset, (line == 1 ? columnOffset : 0) + column, e);
  }

  /** A planning error at {@code node}'s position. */
  static SqlPlanningException at(SqlNode node, String message) {
    SqlParserPos pos = node.getParserPosition();
    return new SqlPlanningException(message, pos.getLineNum(), pos.getColumnNum());
  }
}
