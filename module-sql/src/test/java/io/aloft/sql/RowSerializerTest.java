package io.aloft.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import io.aloft.serde.SerializationException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The row format is a checkpoint format: these bytes must not change without a new version. */
class RowSerializerTest {

  static final Schema ALL =
      Schema.builder()
          .column("b", SqlType.bool())
          .column("i", SqlType.integer())
          .column("l", SqlType.bigint().notNull())
          .column("x", SqlType.doubleType())
          .column("d", SqlType.decimal(10, 2))
          .column("s", SqlType.varchar())
          .column("ts", SqlType.timestamp())
          .rowtime("ts")
          .build();

  static byte[] bytes(RowSerializer serializer, Row row) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    serializer.serialize(row, new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  static Row read(RowSerializer serializer, byte[] bytes) throws IOException {
    return serializer.deserialize(new DataInputStream(new ByteArrayInputStream(bytes)));
  }

  @Test
  void everyTypeAndKindRoundTrips() throws IOException {
    RowSerializer s = new RowSerializer(ALL);
    Row row =
        Row.ofKind(
            RowKind.UPDATE_AFTER,
            true,
            -7,
            1L << 40,
            -0.5,
            new BigDecimal("-12.30"),
            "grüße",
            LocalDateTime.parse("2026-12-05T08:01:02.345"));
    assertThat(read(s, bytes(s, row))).isEqualTo(row);
    Row nulls = Row.ofKind(RowKind.DELETE, null, null, 3L, null, null, null, null);
    assertThat(read(s, bytes(s, nulls))).isEqualTo(nulls);
  }

  @Test
  void theBytesAreTheDocumentedOnes() throws IOException {
    Schema schema =
        Schema.builder()
            .column("k", SqlType.bigint())
            .column("d", SqlType.decimal(5, 2))
            .column("s", SqlType.varchar())
            .build();
    byte[] b = bytes(new RowSerializer(schema), Row.ofKind(RowKind.UPDATE_BEFORE, 1L, new BigDecimal("1.5"), null));
    // kind -U, nulls 0b100, BIGINT 1, DECIMAL unscaled 150 (2 bytes: 0x00 0x96) with its length
    assertThat(HexFormat.of().formatHex(b)).isEqualTo("01" + "04" + "0000000000000001" + "02" + "0096");
  }

  @Test
  void equalValuesGiveEqualBytesSoRowsServeAsStateKeys() throws IOException {
    Schema schema = Schema.builder().column("d", SqlType.decimal(10, 3)).build();
    RowSerializer s = new RowSerializer(schema);
    assertThat(bytes(s, Row.of(new BigDecimal("2.5")))).isEqualTo(bytes(s, Row.of(new BigDecimal("2.500"))));
  }

  @Test
  void theIdentifierNamesTheTypesButNotTheirNullability() {
    Schema a = Schema.builder().column("k", SqlType.bigint().notNull()).column("d", SqlType.decimal(10, 2)).build();
    Schema b = Schema.builder().column("key", SqlType.bigint()).column("d", SqlType.decimal(10, 2).notNull()).build();
    Schema c = Schema.builder().column("k", SqlType.bigint()).column("d", SqlType.decimal(10, 3)).build();
    assertThat(new RowSerializer(a).identifier()).isEqualTo("sql-row<BIGINT,DECIMAL(10, 2)>");
    assertThat(new RowSerializer(a).identifier()).isEqualTo(new RowSerializer(b).identifier());
    assertThat(new RowSerializer(a).identifier()).isNotEqualTo(new RowSerializer(c).identifier());
  }

  @Test
  void aCorruptKindOrLengthFailsWithASerializationException() {
    RowSerializer s = new RowSerializer(Schema.builder().column("s", SqlType.varchar()).build());
    assertThatThrownBy(() -> read(s, new byte[] {9, 0})).isInstanceOf(SerializationException.class).hasMessageContaining("corrupt row");
    assertThatThrownBy(() -> read(s, new byte[] {0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void valuesAreCheckedAgainstTheirTypes() {
    assertThatThrownBy(() -> SqlType.decimal(4, 2).coerce(new BigDecimal("123.4")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DECIMAL(4, 2)");
    assertThatThrownBy(() -> SqlType.bigint().notNull().coerce(null)).hasMessageContaining("NULL");
    assertThatThrownBy(() -> SqlType.varchar().coerce(5)).hasMessageContaining("VARCHAR");
    assertThatThrownBy(() -> Schema.builder().column("ts", SqlType.bigint()).rowtime("ts").build())
        .hasMessageContaining("TIMESTAMP(3)");
  }
}
