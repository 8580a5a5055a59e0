package io.aloft.cache;

import io.aloft.config.AloftOptions;
import io.aloft.config.Config;
import io.aloft.spi.cache.CachePolicy;
import io.aloft.spi.cache.CachePolicyFactory;

/**
 * {@code state.backend.forst.cache.policy: lru}, the default: a {@link TwoListLruPolicy} configured by
 * {@code state.backend.forst.cache.lru.access-before-promote} (default 6) and
 * {@code state.backend.forst.cache.lru.promote-limit} (default 3).
 */
public final class LruCachePolicyFactory implements CachePolicyFactory {

  public LruCachePolicyFactory() {}

  @Override
  public String name() {
    return "lru";
  }

  @Override
  public CachePolicy create(Config config) {
    return new TwoListLruPolicy(
        config.get(AloftOptions.FORST_CACHE_LRU_ACCESS_BEFORE_PROMOTE),
        config.get(AloftOptions.FORST_CACHE_LRU_PROMOTE_LIMIT));
  }
}
