package io.aloft.sql;

/**
 * A statement {@link AloftSql} cannot run: a syntax error, an unknown table or column, or a construct
 * Aloft does not implement (a second stateful stage, an unsupported function). The message names the
 * construct and where it is in the statement, as {@code line L, column C}.
 */
public final class SqlPlanningException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;

  public SqlPlanningException(String message, int line, int column) {
    super(message + " (at line " + line + ", column " + column + ")");
    this.line = line;
    this.column = column;
  }

  public SqlPlanningException(String message, int line, int column, Throwable cause) {
    super(message + " (at line " + line + ", column " + column + ")", cause);
    this.line = line;
    this.column = column;
  }

  /** The line of the offending construct, from 1. */
  public int line() {
    return line;
  }

  /** Its column, from 1. */
  public int column() {
    return column;
  }
}
