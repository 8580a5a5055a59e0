package io.aloft.sql;

import io.aloft.serde.SerializationException;
import io.aloft.serde.Serializer;
import io.aloft.serde.Serializers;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.StringJoiner;

/**
 * The binary form of the {@link Row}s of one {@link Schema}, stored in checkpoints (accumulators, join
 * sides, buffered rows) and used as state keys (group keys, join keys): equal rows give equal bytes.
 *
 * <p>Format, version 1 (all integers big-endian; {@code varint} is {@link Serializers#writeVarInt}):
 *
 * <pre>
 * row       := kind:u8  nulls:u8[ceil(columns / 8)]  value*     one value per non-NULL column, in order
 * kind      := 0 +I | 1 -U | 2 +U | 3 -D
 * nulls     := bit (i % 8) of byte (i / 8) set when column i is NULL
 * BOOLEAN   := u8 (0 or 1)
 * INT       := i32
 * BIGINT    := i64
 * DOUBLE    := i64 (Double.doubleToLongBits: one NaN)
 * DECIMAL   := varint n, u8[n]   the unscaled value, two's complement; the scale is the column type's
 * VARCHAR   := varint n, u8[n]   UTF-8
 * TIMESTAMP := i64               milliseconds since 1970-01-01T00:00 (the value read as UTC)
 * </pre>
 *
 * Bytes that do not follow the format fail with a {@link SerializationException}.
 *
 * <p>The {@link #identifier()} names the column types without their nullability (the bytes do not depend
 * on it), so state written by a schema restores into the same schema, or one that only changes NOT
 * NULL, and is refused by any other.
 */
public final class RowSerializer implements Serializer<Row> {

  private final SqlType[] types;
  private final String identifier;

  public RowSerializer(Schema schema) {
    this.types = schema.columns().stream().map(Schema.Column::type).toArray(SqlType[]::new);
    StringJoiner id = new StringJoiner(",", "sql-row<", ">");
    for (SqlType t : types) {
      id.add(t.nullable().toString());
    }
    this.identifier = id.toString();
  }

  @Override
  public void serialize(Row row, DataOutput out) throws IOException {
    if (row.arity() != types.length) {
      throw new IOException(
          "a row of " + row.arity() + " values for " + identifier + " (" + types.length + " columns)");
    }
    out.writeByte(row.kind().toByteValue());
    byte[] nulls = new byte[(types.length + 7) / 8];
    for (int i = 0; i < types.length; i++) {
      if (row.isNull(i)) {
        nulls[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
    out.write(nulls);
    for (int i = 0; i < types.length; i++) {
      Object v = row.get(i);
      if (v == null) {
        continue;
      }
      switch (types[i].kind()) {
        case BOOLEAN -> out.writeByte((Boolean) v ? 1 : 0);
        case INT -> out.writeInt((Integer) v);
        case BIGINT -> out.writeLong((Long) v);
        case DOUBLE -> out.writeLong(Double.doubleToLongBits((Double) v));
        case DECIMAL -> {
          BigDecimal d = (BigDecimal) v;
          if (d.scale() != types[i].scale()) {
            d = (BigDecimal) types[i].coerce(d);
          }
          writeBytes(d.unscaledValue().toByteArray(), out);
        }
        case VARCHAR -> writeBytes(((String) v).getBytes(StandardCharsets.UTF_8), out);
        case TIMESTAMP -> out.writeLong(((LocalDateTime) v).toInstant(ZoneOffset.UTC).toEpochMilli());
      }
    }
  }

  @Override
  public Row deserialize(DataInput in) throws IOException {
    RowKind kind;
    try {
      kind = RowKind.fromByteValue(in.readByte());
    } catch (IllegalArgumentException e) {
      throw new SerializationException("corrupt row for " + identifier + ": " + e.getMessage(), e);
    }
    byte[] nulls = new byte[(types.length + 7) / 8];
    in.readFully(nulls);
    Object[] values = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      if ((nulls[i >>> 3] & (1 << (i & 7))) != 0) {
        continue;
      }
      values[i] =
          switch (types[i].kind()) {
            case BOOLEAN -> in.readByte() != 0;
            case INT -> in.readInt();
            case BIGINT -> in.readLong();
            case DOUBLE -> Double.longBitsToDouble(in.readLong());
            case DECIMAL -> new BigDecimal(new BigInteger(readBytes(in)), types[i].scale());
            case VARCHAR -> new String(readBytes(in), StandardCharsets.UTF_8);
            case TIMESTAMP -> LocalDateTime.ofInstant(Instant.ofEpochMilli(in.readLong()), ZoneOffset.UTC);
          };
    }
    return Row.wrap(kind, values);
  }

  private static void writeBytes(byte[] bytes, DataOutput out) throws IOException {
    Serializers.writeVarInt(bytes.length, out);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInput in) throws IOException {
    int n = Serializers.readVarInt(in);
    if (n < 0 || n > (1 << 28)) {
      throw new SerializationException("corrupt row: a value of " + n + " bytes");
    }
    byte[] bytes = new byte[n];
    in.readFully(bytes);
    return bytes;
  }

  @Override
  public String identifier() {
    return identifier;
  }
}
