package io.aloft.sql.planner;

import io.aloft.sql.Row;
import io.aloft.sql.SqlType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Compiles the scalar expressions of projections and filters: column references, literals (numbers,
 * strings, booleans, NULL), {@code + - * /} and unary minus, comparisons, {@code AND}/{@code OR}/{@code
 * NOT}, {@code IS [NOT] NULL} and {@code CAST}. NULL in, NULL out (three-valued logic for {@code AND},
 * {@code OR}); a filter keeps a row only when its condition is TRUE. Anything else fails at planning,
 * naming the construct and its position.
 */
final class Expressions {

  private Expressions() {}

  static Expr compile(SqlNode node, Scope scope) {
    return compile(node, scope, n -> null);
  }

  /**
   * As {@link #compile(SqlNode, Scope)}, asking {@code override} first for every node (the planner
   * answers for aggregate calls, which are columns of the aggregate's output).
   */
  static Expr compile(SqlNode node, Scope scope, java.util.function.Function<SqlNode, Expr> override) {
    Expr given = override.apply(node);
    if (given != null) {
      return given;
    }
    java.util.function.Function<SqlNode, Expr> sub = n -> compile(n, scope, override);
    if (node instanceof SqlIdentifier id) {
      Scope.Column c = scope.resolve(id);
      int i = c.index();
      return new Expr(c.type(), row -> row.get(i));
    }
    if (node instanceof SqlLiteral literal) {
      return literal(literal);
    }
    if (!(node instanceof SqlBasicCall call)) {
      throw Parsing.at(node, "unsupported expression '" + node + "'");
    }
    List<SqlNode> operands = call.getOperandList();
    return switch (call.getKind()) {
      case PLUS, MINUS, TIMES, DIVIDE -> arithmetic(call, sub.apply(operands.get(0)), sub.apply(operands.get(1)));
      case MINUS_PREFIX -> {
        Expr e = sub.apply(operands.get(0));
        requireNumeric(call, e.type());
        yield new Expr(e.type(), row -> negate(e.apply(row)));
      }
      case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL ->
          comparison(call, sub.apply(operands.get(0)), sub.apply(operands.get(1)));
      case AND, OR -> logic(call, sub.apply(operands.get(0)), sub.apply(operands.get(1)));
      case NOT -> {
        Expr e = bool(call, sub.apply(operands.get(0)));
        yield new Expr(SqlType.bool(), row -> {
          Object v = e.apply(row);
          return v == null ? null : !(Boolean) v;
        });
      }
      case IS_NULL, IS_NOT_NULL -> {
        Expr e = sub.apply(operands.get(0));
        boolean isNull = call.getKind() == SqlKind.IS_NULL;
        yield new Expr(SqlType.bool().notNull(), row -> (e.apply(row) == null) == isNull);
      }
      case CAST -> {
        Expr e = sub.apply(operands.get(0));
        SqlDataTypeSpec spec = (SqlDataTypeSpec) operands.get(1);
        SqlType target =
            Ddl.type(
                spec.toString(),
                spec.getParserPosition().getLineNum(),
                spec.getParserPosition().getColumnNum());
        yield new Expr(target, row -> cast(e.apply(row), target));
      }
      default ->
          throw Parsing.at(
              node,
              "unsupported " + (call.getOperator().getName().isEmpty() ? call.getKind().toString() : call.getOperator().getName())
                  + " in '" + node + "'");
    };
  }

  /** A filter: keeps the rows its condition is TRUE for. */
  static java.util.function.Predicate<Row> condition(SqlNode node, Scope scope) {
    Expr e = bool(node, compile(node, scope));
    return row -> Boolean.TRUE.equals(e.apply(row));
  }

  private static Expr bool(SqlNode node, Expr e) {
    if (e.type().kind() != SqlType.Kind.BOOLEAN) {
      throw Parsing.at(node, "'" + node + "' is " + e.type() + ", not BOOLEAN");
    }
    return e;
  }

  private static Expr literal(SqlLiteral literal) {
    if (literal.getTypeName() == SqlTypeName.NULL) {
      return new Expr(SqlType.bigint(), row -> null);
    }
    if (literal instanceof SqlNumericLiteral n) {
      BigDecimal v = n.bigDecimalValue();
      if (n.isExact() && v.scale() <= 0) {
        long l = v.longValueExact();
        if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
          return new Expr(SqlType.integer().notNull(), row -> (int) l);
        }
        return new Expr(SqlType.bigint().notNull(), row -> l);
      }
      if (n.isExact()) {
        SqlType t = SqlType.decimal(Math.max(v.precision(), v.scale()), v.scale()).notNull();
        return new Expr(t, row -> v);
      }
      double d = v.doubleValue();
      return new Expr(SqlType.doubleType().notNull(), row -> d);
    }
    if (literal instanceof SqlCharStringLiteral s) {
      String v = s.getValueAs(String.class);
      return new Expr(SqlType.varchar().notNull(), row -> v);
    }
    if (literal.getTypeName() == SqlTypeName.BOOLEAN) {
      boolean b = literal.booleanValue();
      return new Expr(SqlType.bool().notNull(), row -> b);
    }
    throw Parsing.at(literal, "unsupported literal " + literal);
  }

  private static void requireNumeric(SqlNode node, SqlType type) {
    if (!type.isNumeric()) {
      throw Parsing.at(node, "'" + node + "' needs numbers, not " + type);
    }
  }

  /** The type two numbers combine to: DOUBLE over DECIMAL over BIGINT over INT. */
  static SqlType widen(SqlType a, SqlType b) {
    if (a.kind() == SqlType.Kind.DOUBLE || b.kind() == SqlType.Kind.DOUBLE) {
      return SqlType.doubleType();
    }
    if (a.kind() == SqlType.Kind.DECIMAL || b.kind() == SqlType.Kind.DECIMAL) {
      int scale = Math.max(a.kind() == SqlType.Kind.DECIMAL ? a.scale() : 0, b.kind() == SqlType.Kind.DECIMAL ? b.scale() : 0);
      return SqlType.decimal(38, scale);
    }
    if (a.kind() == SqlType.Kind.BIGINT || b.kind() == SqlType.Kind.BIGINT) {
      return SqlType.bigint();
    }
    return SqlType.integer();
  }

  private static Expr arithmetic(SqlBasicCall call, Expr a, Expr b) {
    requireNumeric(call, a.type());
    requireNumeric(call, b.type());
    SqlType t = widen(a.type(), b.type());
    SqlKind op = call.getKind();
    return new Expr(
        t,
        row -> {
          Object x = a.apply(row);
          Object y = b.apply(row);
          if (x == null || y == null) {
            return null;
          }
          return switch (t.kind()) {
            case INT -> {
              int p = ((Number) x).intValue();
              int q = ((Number) y).intValue();
              yield switch (op) {
                case PLUS -> p + q;
                case MINUS -> p - q;
                case TIMES -> p * q;
                default -> q == 0 ? null : p / q;
              };
            }
            case BIGINT -> {
              long p = ((Number) x).longValue();
              long q = ((Number) y).longValue();
              yield switch (op) {
                case PLUS -> p + q;
                case MINUS -> p - q;
                case TIMES -> p * q;
                default -> q == 0 ? null : p / q;
              };
            }
            case DOUBLE -> {
              double p = ((Number) x).doubleValue();
              double q = ((Number) y).doubleValue();
              yield switch (op) {
                case PLUS -> p + q;
                case MINUS -> p - q;
                case TIMES -> p * q;
                default -> p / q;
              };
            }
            default -> {
              BigDecimal p = decimal(x);
              BigDecimal q = decimal(y);
              BigDecimal r =
                  switch (op) {
                    case PLUS -> p.add(q);
                    case MINUS -> p.subtract(q);
                    case TIMES -> p.multiply(q);
                    default -> q.signum() == 0 ? null : p.divide(q, MathContext.DECIMAL128);
                  };
              yield r == null ? null : r.setScale(t.scale(), RoundingMode.HALF_UP);
            }
          };
        });
  }

  static BigDecimal decimal(Object v) {
    return v instanceof BigDecimal d ? d : v instanceof Double d ? BigDecimal.valueOf(d) : BigDecimal.valueOf(((Number) v).longValue());
  }

  private static Object negate(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Integer i) {
      return -i;
    } else if (v instanceof Long l) {
      return -l;
    } else if (v instanceof Double d) {
      return -d;
    }
    return ((BigDecimal) v).negate();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Expr comparison(SqlBasicCall call, Expr a, Expr b) {
    boolean numbers = a.type().isNumeric() && b.type().isNumeric();
    if (!numbers && a.type().kind() != b.type().kind()) {
      throw Parsing.at(call, "cannot compare " + a.type() + " with " + b.type() + " in '" + call + "'");
    }
    SqlKind op = call.getKind();
    return new Expr(
        SqlType.bool(),
        row -> {
          Object x = a.apply(row);
          Object y = b.apply(row);
          if (x == null || y == null) {
            return null;
          }
          int c = numbers ? decimal(x).compareTo(decimal(y)) : ((Comparable) x).compareTo(y);
          return switch (op) {
            case EQUALS -> c == 0;
            case NOT_EQUALS -> c != 0;
            case LESS_THAN -> c < 0;
            case LESS_THAN_OR_EQUAL -> c <= 0;
            case GREATER_THAN -> c > 0;
            default -> c >= 0;
          };
        });
  }

  private static Expr logic(SqlBasicCall call, Expr a, Expr b) {
    bool(call.operand(0), a);
    bool(call.operand(1), b);
    boolean and = call.getKind() == SqlKind.AND;
    return new Expr(
        SqlType.bool(),
        row -> {
          Boolean x = (Boolean) a.apply(row);
          Boolean y = (Boolean) b.apply(row);
          if (and) {
            if (Boolean.FALSE.equals(x) || Boolean.FALSE.equals(y)) {
              return false;
            }
            return x == null || y == null ? null : true;
          }
          if (Boolean.TRUE.equals(x) || Boolean.TRUE.equals(y)) {
            return true;
          }
          return x == null || y == null ? null : false;
        });
  }

  /** {@code v} as {@code target}: numbers converted, strings parsed, as SQL's CAST. */
  static Object cast(Object v, SqlType target) {
    if (v == null) {
      return null;
    }
    try {
      return switch (target.kind()) {
        case INT -> v instanceof String s ? Integer.parseInt(s.strip()) : ((Number) v).intValue();
        case BIGINT -> v instanceof String s ? Long.parseLong(s.strip()) : ((Number) v).longValue();
        case DOUBLE -> v instanceof String s ? Double.parseDouble(s.strip()) : ((Number) v).doubleValue();
        case DECIMAL -> target.coerce(v instanceof String s ? new BigDecimal(s.strip()) : decimal(v));
        case VARCHAR -> v.toString();
        case BOOLEAN -> v instanceof String s ? Boolean.parseBoolean(s.strip().toLowerCase(Locale.ROOT)) : v;
        case TIMESTAMP -> v instanceof String s ? java.time.LocalDateTime.parse(s.strip().replace(' ', 'T')) : v;
      };
    } catch (RuntimeException e) {
      // As Flink's CAST (not TRY_CAST): a value that does not convert fails the job, naming it.
      throw new IllegalArgumentException("CAST('" + v + "' AS " + target + ") failed: " + e.getMessage(), e);
    }
  }
}
