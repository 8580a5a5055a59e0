/**
 * Eviction policies of the local file cache, chosen by {@code state.backend.forst.cache.policy}:
 * {@code lru} (a two-list LRU with probation and protected lists) and {@code tinylfu} (Caffeine's
 * W-TinyLFU). Found by the engine through {@link io.aloft.spi.cache.CachePolicyFactory}; exports nothing.
 */
module io.aloft.cache {
  requires io.aloft.api;
  requires com.github.benmanes.caffeine;

  provides io.aloft.spi.cache.CachePolicyFactory with
      io.aloft.cache.LruCachePolicyFactory,
      io.aloft.cache.TinyLfuCachePolicyFactory;
}
