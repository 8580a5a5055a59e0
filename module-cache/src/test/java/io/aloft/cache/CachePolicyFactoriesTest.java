package io.aloft.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.spi.cache.CachePolicy;
import io.aloft.spi.cache.CachePolicyFactory;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CachePolicyFactoriesTest {

  static Map<String, CachePolicyFactory> found() {
    return ServiceLoader.load(CachePolicyFactory.class).stream()
        .map(ServiceLoader.Provider::get)
        .collect(Collectors.toMap(CachePolicyFactory::name, Function.identity()));
  }

  @Test
  void bothPoliciesAreFoundByServiceLoader() {
    assertThat(found()).containsOnlyKeys("lru", "tinylfu");
    assertThat(found().get("lru").create(Config.empty())).isInstanceOf(TwoListLruPolicy.class);
    assertThat(found().get("tinylfu").create(Config.empty())).isInstanceOf(TinyLfuPolicy.class);
  }

  @Test
  void lruReadsItsTwoKnobs() {
    CachePolicy p =
        found()
            .get("lru")
            .create(
                Config.empty()
                    .with("state.backend.forst.cache.lru.access-before-promote", "1")
                    .with("state.backend.forst.cache.lru.promote-limit", "0"));

    assertThat(p).hasToString("lru(access-before-promote=1, promote-limit=0, probation=[], protected=[])");
  }

  @Test
  void lruDefaultsAreSixAccessesAndThreePromotions() {
    assertThat(found().get("lru").create(Config.empty()).toString())
        .startsWith("lru(access-before-promote=6, promote-limit=3");
  }
}
