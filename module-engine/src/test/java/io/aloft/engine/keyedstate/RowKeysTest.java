package io.aloft.engine.keyedstate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RowKeys#decode} takes apart exactly what {@link RowKeys#prefix} and {@link RowKeys#mapRow} build. */
class RowKeysTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void decodeTakesApartAValueRow() {
    RowKeys.Row row = RowKeys.decode(RowKeys.prefix(77, bytes("user-42")));

    assertThat(row.keyGroup()).isEqualTo(77);
    assertThat(row.key()).isEqualTo(bytes("user-42"));
    assertThat(row.namespace()).isEmpty();
    assertThat(row.userKey()).isEmpty();
  }

  @Test
  void decodeTakesApartAMapRowInANamespace() {
    byte[] prefix = RowKeys.prefix(0x1234, bytes("k"), bytes("window-7"));
    RowKeys.Row row = RowKeys.decode(RowKeys.mapRow(prefix, bytes("field")));

    assertThat(row.keyGroup()).isEqualTo(0x1234);
    assertThat(row.key()).isEqualTo(bytes("k"));
    assertThat(row.namespace()).isEqualTo(bytes("window-7"));
    assertThat(row.userKey()).isEqualTo(bytes("field"));
  }

  @Test
  void decodeInvertsTheLayoutForRandomParts() {
    Random random = new Random(7);
    for (int i = 0; i < 1_000; i++) {
      byte[] key = new byte[random.nextInt(300)];
      byte[] namespace = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(200)];
      byte[] userKey = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(50)];
      random.nextBytes(key);
      random.nextBytes(namespace);
      random.nextBytes(userKey);
      int group = random.nextInt(1 << 15);

      RowKeys.Row row = RowKeys.decode(RowKeys.mapRow(RowKeys.prefix(group, key, namespace), userKey));

      assertThat(row.keyGroup()).isEqualTo(group);
      assertThat(row.key()).isEqualTo(key);
      assertThat(row.namespace()).isEqualTo(namespace);
      assertThat(row.userKey()).isEqualTo(userKey);
    }
  }

  @Test
  void decodeRefusesRowsNotInTheLayout() {
    assertThatThrownBy(() -> RowKeys.decode(new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no key group");
    assertThatThrownBy(() -> RowKeys.decode(new byte[] {0, 1, 9, 'a'}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the key length 9 at offset 2 runs past the row's 4 bytes");
    assertThatThrownBy(() -> RowKeys.decode(new byte[] {0, 1, (byte) 0x80}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key length at offset 2 is malformed");
    assertThatThrownBy(() -> RowKeys.decode(new byte[] {0, 1, 0}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace length");
  }
}
