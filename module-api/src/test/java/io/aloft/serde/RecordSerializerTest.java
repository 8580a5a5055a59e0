package io.aloft.serde;

import static io.aloft.serde.SerdeTesting.bytes;
import static io.aloft.serde.SerdeTesting.bytesOf;
import static io.aloft.serde.SerdeTesting.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

// Public, with public nested records: Serializers.record(Class) reflects through the public lookup.
public class RecordSerializerTest {

  public enum Tier {
    FREE,
    PRO
  }

  public record Address(String city, int zip) {}

  public record Account(
      int id,
      long balance,
      double ratio,
      boolean active,
      char grade,
      String name,
      Address address,
      List<String> tags,
      Map<String, Long> counters,
      Tier tier,
      Integer optionalCount,
      byte[] blob) {}

  public record WithDate(String name, Date created) {}

  public record WithListOfDates(List<Date> dates) {}

  public record IntPoint(int x) {}

  public record LongPoint(long x) {}

  public record Pair(int a, String b) {}

  record PackagePrivate(int value) {}

  private static Account sampleAccount() {
    Map<String, Long> counters = new LinkedHashMap<>();
    counters.put("logins", 42L);
    counters.put("purchases", 0L);
    return new Account(
        7,
        -1_000_000_000_000L,
        0.25,
        true,
        'Ä',
        "Zoë",
        new Address("Zürich", 8001),
        List.of("a", "b"),
        counters,
        Tier.PRO,
        3,
        bytes(1, 2, 3));
  }

  private static void assertSameAccount(Account actual, Account expected) {
    // byte[] components compare by identity in Record.equals, so compare them apart
    assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
  }

  @Test
  void aRecordWithEveryKindOfComponentRoundTrips() throws IOException {
    Account account = sampleAccount();

    assertSameAccount(roundTrip(Serializers.record(Account.class), account), account);
  }

  @Test
  void nullComponentsRoundTripAsNull() throws IOException {
    Account account = new Account(1, 2L, 3.0, false, 'x', null, null, null, null, null, null, null);

    assertSameAccount(roundTrip(Serializers.record(Account.class), account), account);
  }

  @Test
  void aNestedRecordWithANullComponentRoundTrips() throws IOException {
    Account account = sampleAccount();
    Account withNullCity =
        new Account(
            account.id(),
            account.balance(),
            account.ratio(),
            account.active(),
            account.grade(),
            account.name(),
            new Address(null, 0),
            List.of(),
            Map.of(),
            Tier.FREE,
            null,
            new byte[0]);

    assertSameAccount(roundTrip(Serializers.record(Account.class), withNullCity), withNullCity);
  }

  @Test
  void primitiveComponentsHaveNoPresenceByteAndReferenceComponentsDo() {
    assertThat(bytesOf(Serializers.record(Pair.class), new Pair(5, "hi")))
        .containsExactly(0, 0, 0, 5, 1, 2, 'h', 'i');
    assertThat(bytesOf(Serializers.record(Pair.class), new Pair(5, null))).containsExactly(0, 0, 0, 5, 0);
  }

  @Test
  void anUnsupportedComponentTypeIsRejectedNamingTheComponent() {
    assertThatThrownBy(() -> Serializers.record(WithDate.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(WithDate.class.getName() + ".created")
        .hasMessageContaining("java.util.Date");
  }

  @Test
  void anUnsupportedListElementTypeIsRejectedNamingTheComponent() {
    assertThatThrownBy(() -> Serializers.record(WithListOfDates.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(WithListOfDates.class.getName() + ".dates");
  }

  @Test
  void theIdentifierNamesEveryComponentAndItsFormat() {
    assertThat(Serializers.record(Pair.class).identifier())
        .isEqualTo("record:" + Pair.class.getName() + "(a:int@1,b:string@1)");
  }

  @Test
  void identifiersDifferWhenComponentTypesDiffer() {
    String intComponents = componentsOf(Serializers.record(IntPoint.class).identifier());
    String longComponents = componentsOf(Serializers.record(LongPoint.class).identifier());

    assertThat(intComponents).isNotEqualTo(longComponents);
  }

  @Test
  void identifiersDifferWhenComponentsDiffer() {
    assertThat(Serializers.record(IntPoint.class).identifier())
        .isNotEqualTo(Serializers.record(Pair.class).identifier());
  }

  private static String componentsOf(String recordIdentifier) {
    return recordIdentifier.substring(recordIdentifier.indexOf('('));
  }

  @Test
  void aRecordThePublicLookupCannotReachIsRejectedWithAdvice() {
    assertThatThrownBy(() -> Serializers.record(PackagePrivate.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(PackagePrivate.class.getName())
        .hasMessageContaining("MethodHandles.lookup()");
  }

  @Test
  void aNonPublicRecordRoundTripsThroughTheCallersLookup() throws IOException {
    Serializer<PackagePrivate> serializer =
        Serializers.record(PackagePrivate.class, MethodHandles.lookup());

    assertThat(roundTrip(serializer, new PackagePrivate(9))).isEqualTo(new PackagePrivate(9));
  }

  @Test
  void aListOfRecordsRoundTrips() throws IOException {
    Serializer<List<Address>> serializer = Serializers.list(Serializers.record(Address.class));
    List<Address> value = List.of(new Address("Oslo", 150), new Address("Bergen", 5003));

    assertThat(roundTrip(serializer, value)).isEqualTo(value);
  }

  public record Node(int value, Node next) {}

  public record Wrapper(java.util.List<Wrapper> children) {}

  @Test
  void aRecordThatContainsItselfIsRejectedNamingTheComponent() {
    assertThatThrownBy(() -> Serializers.record(Node.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Node.class.getName() + ".next")
        .hasMessageContaining("recursive");
    assertThatThrownBy(() -> Serializers.record(Wrapper.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recursive");
  }
}
