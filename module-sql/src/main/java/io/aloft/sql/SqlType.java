package io.aloft.sql;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.util.Objects;

/**
 * A SQL column type: its kind, precision and scale (for {@code DECIMAL} and {@code TIMESTAMP}), and
 * whether it admits {@code NULL}. The Java values of each kind:
 *
 * <table>
 *   <caption>SQL types and their Java values</caption>
 *   <tr><th>SQL</th><th>Java</th></tr>
 *   <tr><td>BOOLEAN</td><td>{@link Boolean}</td></tr>
 *   <tr><td>INT</td><td>{@link Integer}</td></tr>
 *   <tr><td>BIGINT</td><td>{@link Long}</td></tr>
 *   <tr><td>DOUBLE</td><td>{@link Double}</td></tr>
 *   <tr><td>DECIMAL(p, s)</td><td>{@link BigDecimal} with scale {@code s} (values are rescaled on the
 *       way in, half-up, and refused beyond {@code p} digits)</td></tr>
 *   <tr><td>VARCHAR</td><td>{@link String}</td></tr>
 *   <tr><td>TIMESTAMP(3)</td><td>{@link LocalDateTime} (no time zone; event time reads it as UTC
 *       milliseconds)</td></tr>
 * </table>
 */
public final class SqlType {

  /** The kinds of SQL types Aloft's operators handle. */
  public enum Kind {
    BOOLEAN,
    INT,
    BIGINT,
    DOUBLE,
    DECIMAL,
    VARCHAR,
    TIMESTAMP
  }

  private final Kind kind;
  private final int precision;
  private final int scale;
  private final boolean nullable;

  private SqlType(Kind kind, int precision, int scale, boolean nullable) {
    this.kind = kind;
    this.precision = precision;
    this.scale = scale;
    this.nullable = nullable;
  }

  public static SqlType bool() {
    return new SqlType(Kind.BOOLEAN, 0, 0, true);
  }

  public static SqlType integer() {
    return new SqlType(Kind.INT, 0, 0, true);
  }

  public static SqlType bigint() {
    return new SqlType(Kind.BIGINT, 0, 0, true);
  }

  public static SqlType doubleType() {
    return new SqlType(Kind.DOUBLE, 0, 0, true);
  }

  /**
   * {@code DECIMAL(precision, scale)}.
   *
   * @throws IllegalArgumentException unless {@code 1 <= precision <= 38} and {@code 0 <= scale <=
   *     precision}
   */
  public static SqlType decimal(int precision, int scale) {
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      throw new IllegalArgumentException(
          "DECIMAL(" + precision + ", " + scale + "): precision must be 1..38 and scale 0..precision");
    }
    return new SqlType(Kind.DECIMAL, precision, scale, true);
  }

  public static SqlType varchar() {
    return new SqlType(Kind.VARCHAR, 0, 0, true);
  }

  /** {@code TIMESTAMP(3)}: millisecond precision, the only one Aloft keeps. */
  public static SqlType timestamp() {
    return new SqlType(Kind.TIMESTAMP, 3, 0, true);
  }

  /** This type without {@code NULL}. */
  public SqlType notNull() {
    return new SqlType(kind, precision, scale, false);
  }

  /** This type with {@code NULL}. */
  public SqlType nullable() {
    return new SqlType(kind, precision, scale, true);
  }

  public Kind kind() {
    return kind;
  }

  public int precision() {
    return precision;
  }

  public int scale() {
    return scale;
  }

  public boolean isNullable() {
    return nullable;
  }

  /** Whether values of this type are numbers. */
  public boolean isNumeric() {
    return kind == Kind.INT || kind == Kind.BIGINT || kind == Kind.DOUBLE || kind == Kind.DECIMAL;
  }

  /**
   * {@code value} as this type holds it: checked against the Java class of the kind, a {@code
   * BigDecimal} rescaled to the type's scale.
   *
   * @throws IllegalArgumentException naming the type if the value does not fit
   */
  public Object coerce(Object value) {
    if (value == null) {
      if (!nullable) {
        throw new IllegalArgumentException("NULL in a column of type " + this);
      }
      return null;
    }
    switch (kind) {
      case BOOLEAN -> expect(value, Boolean.class);
      case INT -> expect(value, Integer.class);
      case BIGINT -> {
        if (value instanceof Integer i) {
          return i.longValue();
        }
        expect(value, Long.class);
      }
      case DOUBLE -> {
        if (value instanceof Float f) {
          return f.doubleValue();
        }
        expect(value, Double.class);
      }
      case DECIMAL -> {
        BigDecimal d;
        if (value instanceof BigDecimal b) {
          d = b;
        } else if (value instanceof Long || value instanceof Integer) {
          d = BigDecimal.valueOf(((Number) value).longValue());
        } else {
          throw new IllegalArgumentException(
              "a " + value.getClass().getSimpleName() + " in a column of type " + this);
        }
        BigDecimal scaled = d.setScale(scale, RoundingMode.HALF_UP);
        if (scaled.precision() > precision && scaled.signum() != 0) {
          throw new IllegalArgumentException(value + " does not fit " + this);
        }
        return scaled;
      }
      case VARCHAR -> expect(value, String.class);
      case TIMESTAMP -> {
        expect(value, LocalDateTime.class);
        LocalDateTime t = (LocalDateTime) value;
        return t.withNano(t.getNano() / 1_000_000 * 1_000_000);
      }
    }
    return value;
  }

  private void expect(Object value, Class<?> type) {
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException(
          "a " + value.getClass().getSimpleName() + " in a column of type " + this + " (expected "
              + type.getSimpleName() + ")");
    }
  }

  /** The type as SQL writes it, such as {@code DECIMAL(10, 2) NOT NULL}. */
  @Override
  public String toString() {
    String name =
        switch (kind) {
          case DECIMAL -> "DECIMAL(" + precision + ", " + scale + ")";
          case TIMESTAMP -> "TIMESTAMP(3)";
          case INT -> "INT";
          default -> kind.name();
        };
    return nullable ? name : name + " NOT NULL";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SqlType t
        && t.kind == kind
        && t.precision == precision
        && t.scale == scale
        && t.nullable == nullable;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, precision, scale, nullable);
  }
}
