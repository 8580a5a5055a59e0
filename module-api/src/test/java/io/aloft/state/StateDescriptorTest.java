package io.aloft.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.serde.Serializers;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StateDescriptorTest {

  private static final AggregateFunction<Long, Long, Long> SUM =
      new AggregateFunction<>() {
        @Override
        public Long createAccumulator() {
          return 0L;
        }

        @Override
        public Long add(Long value, Long accumulator) {
          return value + accumulator;
        }

        @Override
        public Long getResult(Long accumulator) {
          return accumulator;
        }

        @Override
        public Long merge(Long a, Long b) {
          return a + b;
        }
      };

  @Test
  void aNullStateIdIsRejected() {
    assertThatThrownBy(() -> new ValueStateDescriptor<>(null, Serializers.INT))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("stateId");
  }

  @Test
  void aBlankStateIdIsRejected() {
    assertThatThrownBy(() -> new ValueStateDescriptor<>("  ", Serializers.INT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stateId");
    assertThatThrownBy(() -> new ListStateDescriptor<>("", Serializers.INT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNullSerializerIsRejectedNamingTheStateId() {
    assertThatThrownBy(() -> new ValueStateDescriptor<Integer>("counter", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("'counter'");
    assertThatThrownBy(() -> new ListStateDescriptor<Integer>("events", null))
        .hasMessageContaining("'events'");
    assertThatThrownBy(() -> new ReducingStateDescriptor<Integer>("max", Math::max, null))
        .hasMessageContaining("'max'");
    assertThatThrownBy(() -> new AggregatingStateDescriptor<Long, Long, Long>("sum", SUM, null))
        .hasMessageContaining("'sum'");
  }

  @Test
  void aNullMapSerializerIsRejectedNamingTheStateId() {
    assertThatThrownBy(() -> new MapStateDescriptor<String, Long>("counts", null, Serializers.LONG))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("'counts'");
    assertThatThrownBy(() -> new MapStateDescriptor<String, Long>("counts", Serializers.STRING, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("'counts'");
  }

  @Test
  void aNullFunctionIsRejectedNamingTheStateId() {
    assertThatThrownBy(() -> new ReducingStateDescriptor<>("max", null, Serializers.INT))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("'max'");
    assertThatThrownBy(() -> new AggregatingStateDescriptor<Long, Long, Long>("sum", null, Serializers.LONG))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("'sum'");
  }

  @Test
  void mapSerializersListTheUserKeySerializerFirst() {
    MapStateDescriptor<String, Long> d = new MapStateDescriptor<>("counts", Serializers.STRING, Serializers.LONG);

    assertThat(d.serializers()).containsExactly(Serializers.STRING, Serializers.LONG);
    assertThat(d.getUserKeySerializer()).isSameAs(Serializers.STRING);
    assertThat(d.getUserValueSerializer()).isSameAs(Serializers.LONG);
  }

  @Test
  void singleSerializerDescriptorsListTheirOneSerializer() {
    assertThat(new ValueStateDescriptor<>("v", Serializers.INT).serializers()).containsExactly(Serializers.INT);
  }

  @Test
  void everyDescriptorReportsItsKind() {
    assertThat(new ValueStateDescriptor<>("s", Serializers.INT).getKind()).isEqualTo(StateDescriptor.Kind.VALUE);
    assertThat(new ListStateDescriptor<>("s", Serializers.INT).getKind()).isEqualTo(StateDescriptor.Kind.LIST);
    assertThat(new MapStateDescriptor<>("s", Serializers.INT, Serializers.INT).getKind())
        .isEqualTo(StateDescriptor.Kind.MAP);
    assertThat(new ReducingStateDescriptor<Integer>("s", Math::max, Serializers.INT).getKind())
        .isEqualTo(StateDescriptor.Kind.REDUCING);
    assertThat(new AggregatingStateDescriptor<>("s", SUM, Serializers.LONG).getKind())
        .isEqualTo(StateDescriptor.Kind.AGGREGATING);
  }

  @Test
  void ttlIsOffUntilEnabled() {
    ValueStateDescriptor<Integer> d = new ValueStateDescriptor<>("v", Serializers.INT);

    assertThat(d.getTtlConfig()).isEmpty();
    StateTtlConfig ttl = StateTtlConfig.newBuilder(Duration.ofMinutes(5)).build();
    d.enableTimeToLive(ttl);

    assertThat(d.getTtlConfig()).contains(ttl);
  }

  @Test
  void enablingANullTtlIsRejected() {
    assertThatThrownBy(() -> new ValueStateDescriptor<>("v", Serializers.INT).enableTimeToLive(null))
        .isInstanceOf(NullPointerException.class);
  }
}
