package io.aloft.cache;

import io.aloft.config.Config;
import io.aloft.config.ConfigOption;
import io.aloft.spi.cache.CachePolicy;
import io.aloft.spi.cache.CachePolicyFactory;
import java.util.List;

/**
 * {@code state.backend.forst.cache.policy: lru}, the default: a {@link TwoListLruPolicy} configured by
 * {@code state.backend.forst.cache.lru.access-before-promote} (default 6) and
 * {@code state.backend.forst.cache.lru.promote-limit} (default 3).
 */
public final class LruCachePolicyFactory implements CachePolicyFactory {

  public static final ConfigOption<Integer> ACCESS_BEFORE_PROMOTE =
      ConfigOption.integer(
          "state.backend.forst.cache.lru.access-before-promote",
          6,
          1,
          "Accesses after which a file moves from the probation list to the protected list.");

  public static final ConfigOption<Integer> PROMOTE_LIMIT =
      ConfigOption.integer(
          "state.backend.forst.cache.lru.promote-limit",
          3,
          0,
          "Most files promoted to the protected list per eviction round.");

  public LruCachePolicyFactory() {}

  @Override
  public String name() {
    return "lru";
  }

  @Override
  public CachePolicy create(Config config) {
    return new TwoListLruPolicy(
        config.get(ACCESS_BEFORE_PROMOTE), config.get(PROMOTE_LIMIT));
  }

  @Override
  public List<ConfigOption<?>> options() {
    return List.of(ACCESS_BEFORE_PROMOTE, PROMOTE_LIMIT);
  }
}
