/**
 * The cache of decoded data blocks that SST readers share: {@link
 * io.aloft.engine.lsm.blockcache.BlockCache} (a sharded CLOCK cache weighed by bytes, or none), keyed by file and
 * offset, with typed {@link io.aloft.engine.lsm.blockcache.BlockCacheStats}.
 */
package io.aloft.engine.lsm.blockcache;
