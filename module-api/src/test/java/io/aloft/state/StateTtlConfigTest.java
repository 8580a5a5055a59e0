package io.aloft.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StateTtlConfigTest {

  @Test
  void aZeroTtlIsRejected() {
    assertThatThrownBy(() -> StateTtlConfig.newBuilder(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }

  @Test
  void aNegativeTtlIsRejected() {
    assertThatThrownBy(() -> StateTtlConfig.newBuilder(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }

  @Test
  void aNullTtlIsRejected() {
    assertThatThrownBy(() -> StateTtlConfig.newBuilder(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void theBuilderDefaultsToOnCreateAndWriteAndNeverReturnExpired() {
    StateTtlConfig ttl = StateTtlConfig.newBuilder(Duration.ofHours(1)).build();

    assertThat(ttl.ttl()).isEqualTo(Duration.ofHours(1));
    assertThat(ttl.updateType()).isEqualTo(StateTtlConfig.UpdateType.OnCreateAndWrite);
    assertThat(ttl.stateVisibility()).isEqualTo(StateTtlConfig.StateVisibility.NeverReturnExpired);
  }

  @Test
  void theBuilderSetsTheVisibility() {
    StateTtlConfig ttl =
        StateTtlConfig.newBuilder(Duration.ofHours(1))
            .setStateVisibility(StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp)
            .build();

    assertThat(ttl.stateVisibility()).isEqualTo(StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp);
  }

  @Test
  void theBuilderRejectsNullSettings() {
    StateTtlConfig.Builder builder = StateTtlConfig.newBuilder(Duration.ofHours(1));

    assertThatThrownBy(() -> builder.setStateVisibility(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.setUpdateType(null)).isInstanceOf(NullPointerException.class);
  }
}
