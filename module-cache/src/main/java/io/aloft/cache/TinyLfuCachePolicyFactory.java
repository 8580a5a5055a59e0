package io.aloft.cache;

import io.aloft.config.Config;
import io.aloft.spi.cache.CachePolicy;
import io.aloft.spi.cache.CachePolicyFactory;

/**
 * {@code state.backend.forst.cache.policy: tinylfu}: a {@link TinyLfuPolicy}, Caffeine's W-TinyLFU. It
 * reads no keys of its own (the {@code lru.*} keys do not apply).
 */
public final class TinyLfuCachePolicyFactory implements CachePolicyFactory {

  public TinyLfuCachePolicyFactory() {}

  @Override
  public String name() {
    return "tinylfu";
  }

  @Override
  public CachePolicy create(Config config) {
    return new TinyLfuPolicy();
  }
}
