package io.aloft.sql.planner;

import io.aloft.sql.Schema;
import io.aloft.sql.SqlPlanningException;
import io.aloft.sql.SqlType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserUtil;

/**
 * Flink's {@code CREATE TABLE} for Aloft's tables (Java iterables and collectors):
 *
 * <pre>
 * CREATE TABLE name (
 *   column type [NOT NULL], …
 *   [, WATERMARK FOR column AS column [- INTERVAL 'n' unit]]
 *   [, PRIMARY KEY (column, …) NOT ENFORCED]
 * )
 * </pre>
 *
 * Calcite's core parser has no {@code CREATE TABLE}: this class cuts the statement into its elements
 * (quotes and parentheses respected) and lets Calcite parse each type and the watermark expression.
 * Types: {@code BOOLEAN}, {@code INT}, {@code BIGINT}, {@code DOUBLE}, {@code DECIMAL(p, s)}, {@code
 * VARCHAR}/{@code STRING}, {@code TIMESTAMP(3)}. A {@code WITH (…)} clause is refused: the tables'
 * rows come from {@code AloftSql.registerSource} and go to {@code registerSink}.
 */
public final class Ddl {

  private Ddl() {}

  /** Whether {@code sql} is a {@code CREATE TABLE} (after blanks and comments). */
  public static boolean isCreateTable(String sql) {
    String s = stripLeading(sql).toUpperCase(Locale.ROOT);
    return s.startsWith("CREATE") && s.substring(6).stripLeading().startsWith("TABLE");
  }

  private static String stripLeading(String sql) {
    String s = sql.stripLeading();
    while (s.startsWith("--")) {
      int nl = s.indexOf('\n');
      s = nl < 0 ? "" : s.substring(nl + 1).stripLeading();
    }
    return s;
  }

  /** Parses one {@code CREATE TABLE}. */
  public static TableDefinition createTable(String sql) {
    Text text = new Text(sql);
    text.skipBlanks();
    text.expectWord("CREATE");
    text.expectWord("TABLE");
    int nameAt = text.pos;
    String name = text.identifier();
    text.skipBlanks();
    if (text.peek() != '(') {
      throw text.error("expected '(' and the columns after the table name", text.pos);
    }
    int open = text.pos;
    int close = text.matching(open);
    List<int[]> elements = text.splitTopLevel(open + 1, close);
    text.pos = close + 1;
    text.skipBlanks();
    if (!text.atEnd()) {
      int at = text.pos;
      String rest = sql.substring(at).strip();
      if (rest.toUpperCase(Locale.ROOT).startsWith("WITH")) {
        throw text.error(
            "the WITH clause is not supported: an AloftSql table's rows come from registerSource and go to"
                + " registerSink",
            at);
      }
      throw text.error("unexpected '" + first(rest) + "' after the columns", at);
    }
    Schema.Builder schema = Schema.builder();
    List<String> columns = new ArrayList<>();
    String rowtime = null;
    long delay = -1;
    List<String> primaryKey = new ArrayList<>();
    int primaryKeyAt = -1;
    for (int[] e : elements) {
      Text element = new Text(sql, e[0], e[1]);
      element.skipBlanks();
      int at = element.pos;
      String word = element.peekWord().toUpperCase(Locale.ROOT);
      if (word.equals("WATERMARK")) {
        element.expectWord("WATERMARK");
        element.expectWord("FOR");
        rowtime = element.identifier();
        element.expectWord("AS");
        element.skipBlanks();
        int exprAt = element.pos;
        delay = watermarkDelay(sql.substring(exprAt, e[1]), rowtime, text.line(exprAt), text.column(exprAt));
      } else if (word.equals("PRIMARY")) {
        primaryKeyAt = at;
        element.expectWord("PRIMARY");
        element.expectWord("KEY");
        element.skipBlanks();
        int po = element.pos;
        if (element.peek() != '(') {
          throw text.error("expected '(' and the key's columns after PRIMARY KEY", po);
        }
        int pc = element.matching(po);
        for (int[] k : element.splitTopLevel(po + 1, pc)) {
          primaryKey.add(new Text(sql, k[0], k[1]).identifier());
        }
      } else if (word.equals("CONSTRAINT")) {
        throw text.error("named constraints are not supported: write PRIMARY KEY (…) NOT ENFORCED", at);
      } else {
        String column = element.identifier();
        element.skipBlanks();
        int typeAt = element.pos;
        String typeText = sql.substring(typeAt, e[1]).strip();
        boolean notNull = false;
        String upper = typeText.toUpperCase(Locale.ROOT);
        if (upper.endsWith("NOT NULL")) {
          notNull = true;
          typeText = typeText.substring(0, typeText.length() - "NOT NULL".length()).strip();
        }
        SqlType type = type(typeText, text.line(typeAt), text.column(typeAt));
        try {
          schema.column(column, notNull ? type.notNull() : type);
        } catch (IllegalArgumentException ex) {
          throw text.error(ex.getMessage(), at);
        }
        columns.add(column);
      }
    }
    if (columns.isEmpty()) {
      throw text.error("a table needs at least one column", open);
    }
    if (rowtime != null) {
      schema.rowtime(rowtime);
    }
    Schema built;
    try {
      built = schema.build();
    } catch (IllegalArgumentException ex) {
      throw text.error(ex.getMessage(), open);
    }
    int[] key = new int[primaryKey.size()];
    for (int i = 0; i < key.length; i++) {
      try {
        key[i] = built.indexOf(primaryKey.get(i));
      } catch (IllegalArgumentException ex) {
        throw text.error("PRIMARY KEY: " + ex.getMessage(), primaryKeyAt);
      }
    }
    if (nameAt < 0) {
      throw text.error("no table name", 0);
    }
    return new TableDefinition(name, built, delay, key);
  }

  private static String first(String s) {
    int end = 0;
    while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
      end++;
    }
    return s.substring(0, end);
  }

  /** The SQL type written {@code text}, parsed by Calcite. */
  static SqlType type(String text, int line, int column) {
    String upper = text.strip().toUpperCase(Locale.ROOT);
    if (upper.equals("STRING")) {
      return SqlType.varchar();
    }
    if (upper.equals("INT")) {
      return SqlType.integer();
    }
    SqlNode cast = Parsing.expression("CAST(NULL AS " + text + ")", line, column - 13);
    SqlDataTypeSpec spec = (SqlDataTypeSpec) ((SqlBasicCall) cast).operand(1);
    if (!(spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic)) {
      throw new SqlPlanningException("unsupported type " + text.strip(), line, column);
    }
    String name = spec.getTypeName().getSimple().toUpperCase(Locale.ROOT);
    int precision = basic.getPrecision();
    int scale = basic.getScale();
    return switch (name) {
      case "BOOLEAN" -> SqlType.bool();
      case "INTEGER" -> SqlType.integer();
      case "BIGINT" -> SqlType.bigint();
      case "DOUBLE" -> SqlType.doubleType();
      case "DECIMAL" -> {
        try {
          yield SqlType.decimal(precision < 0 ? 10 : precision, Math.max(scale, 0));
        } catch (IllegalArgumentException e) {
          throw new SqlPlanningException(e.getMessage(), line, column);
        }
      }
      case "VARCHAR", "CHAR" -> SqlType.varchar();
      case "TIMESTAMP" -> {
        if (precision > 3) {
          throw new SqlPlanningException(
              "TIMESTAMP(" + precision + "): Aloft keeps event times in milliseconds, TIMESTAMP(3)", line, column);
        }
        yield SqlType.timestamp();
      }
      default ->
          throw new SqlPlanningException(
              "unsupported type " + text.strip()
                  + " (Aloft's SQL types: BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p, s), VARCHAR/STRING, TIMESTAMP(3))",
              line,
              column);
    };
  }

  /** {@code rowtime} or {@code rowtime - INTERVAL 'n' unit}: the delay in milliseconds. */
  private static long watermarkDelay(String text, String rowtime, int line, int column) {
    SqlNode e = Parsing.expression(text, line, column);
    if (e instanceof SqlIdentifier id && id.isSimple() && id.getSimple().equalsIgnoreCase(rowtime)) {
      return 0;
    }
    if (e.getKind() == SqlKind.MINUS
        && e instanceof SqlBasicCall call
        && call.operand(0) instanceof SqlIdentifier id
        && id.getSimple().equalsIgnoreCase(rowtime)
        && call.operand(1) instanceof SqlIntervalLiteral interval) {
      return SqlParserUtil.intervalToMillis((SqlIntervalLiteral.IntervalValue) interval.getValue());
    }
    throw new SqlPlanningException(
        "unsupported watermark '" + text.strip() + "': write WATERMARK FOR " + rowtime + " AS " + rowtime
            + " [- INTERVAL 'n' unit]",
        line,
        column);
  }

  /** A cursor over the statement's text. */
  private static final class Text {
    final String sql;
    int pos;
    final int end;

    Text(String sql) {
      this(sql, 0, sql.length());
    }

    Text(String sql, int from, int end) {
      this.sql = sql;
      this.pos = from;
      this.end = end;
    }

    boolean atEnd() {
      return pos >= end;
    }

    char peek() {
      return pos < end ? sql.charAt(pos) : 0;
    }

    void skipBlanks() {
      while (pos < end) {
        char c = sql.charAt(pos);
        if (Character.isWhitespace(c)) {
          pos++;
        } else if (c == '-' && pos + 1 < end && sql.charAt(pos + 1) == '-') {
          while (pos < end && sql.charAt(pos) != '\n') {
            pos++;
          }
        } else {
          return;
        }
      }
    }

    String peekWord() {
      int p = pos;
      while (p < end && Character.isLetter(sql.charAt(p))) {
        p++;
      }
      return sql.substring(pos, p);
    }

    void expectWord(String word) {
      skipBlanks();
      String w = peekWord();
      if (!w.equalsIgnoreCase(word)) {
        throw error("expected " + word + (w.isEmpty() ? "" : ", found '" + w + "'"), pos);
      }
      pos += w.length();
    }

    /** A plain identifier or one in backticks. */
    String identifier() {
      skipBlanks();
      if (peek() == '`') {
        int close = sql.indexOf('`', pos + 1);
        if (close < 0 || close >= end) {
          throw error("unterminated `identifier`", pos);
        }
        String id = sql.substring(pos + 1, close);
        pos = close + 1;
        return id;
      }
      int start = pos;
      while (pos < end && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '_' || sql.charAt(pos) == '$')) {
        pos++;
      }
      if (pos == start) {
        throw error("expected a name", start);
      }
      return sql.substring(start, pos);
    }

    /** The index of the parenthesis closing the one at {@code open}. */
    int matching(int open) {
      int depth = 0;
      for (int p = open; p < end; p++) {
        char c = sql.charAt(p);
        if (c == '\'' || c == '`' || c == '"') {
          p = closingQuote(p);
        } else if (c == '(') {
          depth++;
        } else if (c == ')' && --depth == 0) {
          return p;
        }
      }
      throw error("unbalanced parentheses: no ')' for this '('", open);
    }

    private int closingQuote(int at) {
      char q = sql.charAt(at);
      int p = at + 1;
      while (p < end) {
        if (sql.charAt(p) == q) {
          if (q == '\'' && p + 1 < end && sql.charAt(p + 1) == '\'') {
            p += 2; // an escaped quote
            continue;
          }
          return p;
        }
        p++;
      }
      throw error("unterminated quote", at);
    }

    /** The ranges between top-level commas of {@code [from, to)}. */
    List<int[]> splitTopLevel(int from, int to) {
      List<int[]> parts = new ArrayList<>();
      int depth = 0;
      int start = from;
      for (int p = from; p < to; p++) {
        char c = sql.charAt(p);
        if (c == '\'' || c == '`' || c == '"') {
          p = closingQuote(p);
        } else if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
        } else if (c == ',' && depth == 0) {
          parts.add(new int[] {start, p});
          start = p + 1;
        }
      }
      if (!sql.substring(start, to).isBlank()) {
        parts.add(new int[] {start, to});
      }
      return parts;
    }

    int line(int offset) {
      int line = 1;
      for (int p = 0; p < offset; p++) {
        if (sql.charAt(p) == '\n') {
          line++;
        }
      }
      return line;
    }

    int column(int offset) {
      int nl = sql.lastIndexOf('\n', offset - 1);
      return offset - nl;
    }

    SqlPlanningException error(String message, int offset) {
      return new SqlPlanningException(message, line(offset), column(offset));
    }
  }
}
