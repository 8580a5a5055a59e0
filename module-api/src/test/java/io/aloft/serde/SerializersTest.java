package io.aloft.serde;

import static io.aloft.serde.SerdeTesting.bytes;
import static io.aloft.serde.SerdeTesting.bytesOf;
import static io.aloft.serde.SerdeTesting.read;
import static io.aloft.serde.SerdeTesting.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SerializersTest {

  enum Colour {
    RED,
    GREEN,
    BLUE
  }

  // --- round trips --------------------------------------------------------------------------------

  @Test
  void booleansRoundTrip() throws IOException {
    assertThat(roundTrip(Serializers.BOOLEAN, true)).isTrue();
    assertThat(roundTrip(Serializers.BOOLEAN, false)).isFalse();
  }

  @Test
  void bytesShortsAndCharsRoundTripAtTheirExtremes() throws IOException {
    assertThat(roundTrip(Serializers.BYTE, Byte.MIN_VALUE)).isEqualTo(Byte.MIN_VALUE);
    assertThat(roundTrip(Serializers.BYTE, Byte.MAX_VALUE)).isEqualTo(Byte.MAX_VALUE);
    assertThat(roundTrip(Serializers.SHORT, Short.MIN_VALUE)).isEqualTo(Short.MIN_VALUE);
    assertThat(roundTrip(Serializers.SHORT, Short.MAX_VALUE)).isEqualTo(Short.MAX_VALUE);
    assertThat(roundTrip(Serializers.CHAR, '\u0000')).isEqualTo('\u0000');
    assertThat(roundTrip(Serializers.CHAR, '\uffff')).isEqualTo('\uffff');
  }

  @Test
  void intsAndLongsRoundTripAtTheirExtremes() throws IOException {
    for (int v : new int[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE}) {
      assertThat(roundTrip(Serializers.INT, v)).isEqualTo(v);
    }
    for (long v : new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE}) {
      assertThat(roundTrip(Serializers.LONG, v)).isEqualTo(v);
    }
  }

  @Test
  void floatsAndDoublesRoundTripIncludingSpecialValues() throws IOException {
    for (float v : new float[] {0f, -0f, 1.5f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY}) {
      assertThat(Float.floatToRawIntBits(roundTrip(Serializers.FLOAT, v))).isEqualTo(Float.floatToRawIntBits(v));
    }
    for (double v : new double[] {0d, -0d, Math.PI, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThat(Double.doubleToRawLongBits(roundTrip(Serializers.DOUBLE, v)))
          .isEqualTo(Double.doubleToRawLongBits(v));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "hello, world", "héllo wörld", "日本語のテキスト", "emoji 🚀 and 𝄞", "\u0000nul"})
  void stringsRoundTripIncludingUnicodeAndEmpty(String s) throws IOException {
    assertThat(roundTrip(Serializers.STRING, s)).isEqualTo(s);
  }

  @Test
  void aLongStringRoundTrips() throws IOException {
    String s = "ä".repeat(100_000);

    assertThat(roundTrip(Serializers.STRING, s)).isEqualTo(s);
  }

  @Test
  void anEmptyByteArrayRoundTrips() throws IOException {
    assertThat(roundTrip(Serializers.BYTES, new byte[0])).isEmpty();
  }

  @Test
  void aLargeByteArrayRoundTrips() throws IOException {
    byte[] large = new byte[3 * 1024 * 1024 + 7];
    new Random(42).nextBytes(large);

    assertThat(roundTrip(Serializers.BYTES, large)).isEqualTo(large);
  }

  @Test
  void listsRoundTripInOrder() throws IOException {
    Serializer<List<String>> serializer = Serializers.list(Serializers.STRING);

    assertThat(roundTrip(serializer, List.of("b", "a", "", "ü"))).containsExactly("b", "a", "", "ü");
    assertThat(roundTrip(serializer, List.of())).isEmpty();
  }

  @Test
  void aLargeListRoundTrips() throws IOException {
    List<Integer> large = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      large.add(i * 31);
    }

    assertThat(roundTrip(Serializers.list(Serializers.INT), large)).isEqualTo(large);
  }

  @Test
  void nestedListsRoundTrip() throws IOException {
    Serializer<List<List<Long>>> serializer = Serializers.list(Serializers.list(Serializers.LONG));
    List<List<Long>> value = List.of(List.of(1L, 2L), List.of(), List.of(Long.MAX_VALUE));

    assertThat(roundTrip(serializer, value)).isEqualTo(value);
  }

  @Test
  void aListWithANullElementIsRejected() {
    List<String> withNull = new ArrayList<>();
    withNull.add(null);

    assertThatThrownBy(() -> bytesOf(Serializers.list(Serializers.STRING), withNull))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("list element");
  }

  @Test
  void mapsRoundTripInIterationOrder() throws IOException {
    Map<String, Long> value = new LinkedHashMap<>();
    value.put("zeta", 1L);
    value.put("alpha", -2L);
    value.put("", Long.MIN_VALUE);

    Map<String, Long> back = roundTrip(Serializers.map(Serializers.STRING, Serializers.LONG), value);

    assertThat(back).containsExactlyEntriesOf(value);
  }

  @Test
  void anEmptyMapRoundTrips() throws IOException {
    assertThat(roundTrip(Serializers.map(Serializers.INT, Serializers.BYTES), Map.of())).isEmpty();
  }

  @Test
  void aMapWithANullValueIsRejected() {
    Map<String, String> withNull = new LinkedHashMap<>();
    withNull.put("k", null);

    assertThatThrownBy(() -> bytesOf(Serializers.map(Serializers.STRING, Serializers.STRING), withNull))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("map value");
  }

  @Test
  void enumsRoundTrip() throws IOException {
    Serializer<Colour> serializer = Serializers.enumOf(Colour.class);

    for (Colour c : Colour.values()) {
      assertThat(roundTrip(serializer, c)).isEqualTo(c);
    }
  }

  @Test
  void anEnumConstantThatNoLongerExistsIsRejectedNamingIt() {
    byte[] stored = bytesOf(Serializers.STRING, "PURPLE");

    assertThatThrownBy(() -> read(Serializers.enumOf(Colour.class), stored))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("PURPLE")
        .hasMessageContaining(Colour.class.getName());
  }

  // --- documented byte layouts --------------------------------------------------------------------

  @Test
  void booleanIsOneByteZeroOrOne() {
    assertThat(bytesOf(Serializers.BOOLEAN, false)).containsExactly(0);
    assertThat(bytesOf(Serializers.BOOLEAN, true)).containsExactly(1);
  }

  @Test
  void intIsFourBigEndianBytes() {
    assertThat(bytesOf(Serializers.INT, 0x01020304)).containsExactly(1, 2, 3, 4);
    assertThat(bytesOf(Serializers.INT, -2)).containsExactly(bytes(0xFF, 0xFF, 0xFF, 0xFE));
  }

  @Test
  void longIsEightBigEndianBytes() {
    assertThat(bytesOf(Serializers.LONG, 0x0102030405060708L)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  void byteShortAndCharAreOneTwoAndTwoBigEndianBytes() {
    assertThat(bytesOf(Serializers.BYTE, (byte) -1)).containsExactly(bytes(0xFF));
    assertThat(bytesOf(Serializers.SHORT, (short) 0x0102)).containsExactly(1, 2);
    assertThat(bytesOf(Serializers.CHAR, 'A')).containsExactly(0, 0x41);
  }

  @Test
  void floatAndDoubleAreTheirBigEndianIeeeBits() {
    assertThat(bytesOf(Serializers.FLOAT, 1.0f)).containsExactly(bytes(0x3F, 0x80, 0x00, 0x00));
    assertThat(bytesOf(Serializers.DOUBLE, 1.0d)).containsExactly(bytes(0x3F, 0xF0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void stringIsAVarintByteLengthThenUtf8() {
    // "hé" is 3 bytes of UTF-8: 'h', then 0xC3 0xA9
    assertThat(bytesOf(Serializers.STRING, "hé")).containsExactly(bytes(3, 'h', 0xC3, 0xA9));
    assertThat(bytesOf(Serializers.STRING, "")).containsExactly(0);
  }

  @Test
  void aStringOfMoreThan127BytesHasATwoByteLength() {
    String s = "x".repeat(300);

    byte[] b = bytesOf(Serializers.STRING, s);

    assertThat(b).startsWith(bytes(0xAC, 0x02));
    assertThat(b).hasSize(2 + 300);
  }

  @Test
  void byteArrayIsAVarintLengthThenTheBytes() {
    assertThat(bytesOf(Serializers.BYTES, bytes(9, 8, 7))).containsExactly(3, 9, 8, 7);
  }

  @Test
  void listIsAVarintCountThenEachElement() {
    assertThat(bytesOf(Serializers.list(Serializers.SHORT), List.of((short) 1, (short) 2)))
        .containsExactly(2, 0, 1, 0, 2);
  }

  @Test
  void mapIsAVarintCountThenKeyAndValueOfEachEntryInIterationOrder() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("b", 1);
    m.put("a", 2);

    assertThat(bytesOf(Serializers.map(Serializers.STRING, Serializers.INT), m))
        .containsExactly(2, 1, 'b', 0, 0, 0, 1, 1, 'a', 0, 0, 0, 2);
  }

  @Test
  void enumIsTheConstantNameAsAString() {
    assertThat(bytesOf(Serializers.enumOf(Colour.class), Colour.RED)).containsExactly(3, 'R', 'E', 'D');
  }

  // --- identifiers --------------------------------------------------------------------------------

  @Test
  void builtInIdentifiersAreStable() {
    assertThat(Serializers.INT.identifier()).isEqualTo("int");
    assertThat(Serializers.STRING.identifier()).isEqualTo("string");
    assertThat(Serializers.BYTES.identifier()).isEqualTo("bytes");
    assertThat(Serializers.INT.version()).isEqualTo(1);
  }

  @Test
  void compositeIdentifiersNameTheirElementFormats() {
    assertThat(Serializers.list(Serializers.STRING).identifier()).isEqualTo("list<string@1>");
    assertThat(Serializers.map(Serializers.STRING, Serializers.LONG).identifier())
        .isEqualTo("map<string@1,long@1>");
    assertThat(Serializers.enumOf(Colour.class).identifier()).isEqualTo("enum:" + Colour.class.getName());
  }

  @Test
  void listsOfDifferentElementsHaveDifferentIdentifiers() {
    assertThat(Serializers.list(Serializers.INT).identifier())
        .isNotEqualTo(Serializers.list(Serializers.LONG).identifier());
  }

  // --- varints ------------------------------------------------------------------------------------

  private static byte[] varint(int value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Serializers.writeVarInt(value, new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  private static int readVarInt(byte[] b) throws IOException {
    return Serializers.readVarInt(new DataInputStream(new ByteArrayInputStream(b)));
  }

  @Test
  void varintOf300IsAcThen02() throws IOException {
    assertThat(varint(300)).containsExactly(bytes(0xAC, 0x02));
  }

  @Test
  void varintUsesOneByteUpTo127AndTwoFrom128() throws IOException {
    assertThat(varint(0)).containsExactly(0);
    assertThat(varint(127)).containsExactly(0x7F);
    assertThat(varint(128)).containsExactly(bytes(0x80, 0x01));
  }

  @Test
  void varintOfIntMaxIsFiveBytes() throws IOException {
    assertThat(varint(Integer.MAX_VALUE)).containsExactly(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x07));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 127, 128, 300, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455, 268_435_456, Integer.MAX_VALUE})
  void varintsRoundTrip(int value) throws IOException {
    assertThat(readVarInt(varint(value))).isEqualTo(value);
  }

  @Test
  void aNegativeVarintCannotBeWritten() {
    assertThatThrownBy(() -> varint(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readVarIntRejectsMoreThanFiveBytes() {
    assertThatThrownBy(() -> readVarInt(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("more than 5 bytes");
  }

  @Test
  void readVarIntRejectsAValueAboveIntMax() {
    // 2^31: the fifth byte sets bit 31
    assertThatThrownBy(() -> readVarInt(bytes(0x80, 0x80, 0x80, 0x80, 0x08)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("out of range");
  }

  @Test
  void readVarIntRejectsAFifthByteWithBitsBeyondThirtyTwo() {
    // 2^32: would silently wrap to 0 if the fifth byte's high bits were dropped
    assertThatThrownBy(() -> readVarInt(bytes(0x80, 0x80, 0x80, 0x80, 0x10)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("out of range");
  }

  @Test
  void aTruncatedStringFailsInsteadOfReturningPartialData() {
    byte[] truncated = bytesOf(Serializers.STRING, "hello");
    byte[] cut = Arrays.copyOf(truncated, truncated.length - 1);

    assertThatThrownBy(() -> read(Serializers.STRING, cut)).isInstanceOf(IOException.class);
  }

  @Test
  void aDamagedHugeLengthEndsAtTheEndOfTheInputWithoutAllocatingIt() {
    // A length of 2^31 - 1 followed by three bytes: the read must fail with EOF after growing to at
    // most twice what arrived, not try to allocate 2 GiB first.
    byte[] damaged = bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x07, 'a', 'b', 'c');

    assertThatThrownBy(() -> read(Serializers.BYTES, damaged)).isInstanceOf(java.io.EOFException.class);
    assertThatThrownBy(() -> read(Serializers.STRING, damaged)).isInstanceOf(java.io.EOFException.class);
  }

  @Test
  void valuesLongerThanOneReadChunkRoundTrip() throws IOException {
    byte[] large = new byte[200_000 + 7];
    new java.util.Random(3).nextBytes(large);

    assertThat(read(Serializers.BYTES, bytesOf(Serializers.BYTES, large))).isEqualTo(large);
    String text = "é".repeat(70_000); // 140,000 UTF-8 bytes
    assertThat(read(Serializers.STRING, bytesOf(Serializers.STRING, text))).isEqualTo(text);
  }
}
