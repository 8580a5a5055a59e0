package io.aloft.spi.backend;

/**
 * One row of a {@link StateTable}. The arrays belong to the receiver; the backend does not reuse them.
 *
 * @param key the full row key
 * @param value the row value
 */
public record KeyValue(byte[] key, byte[] value) {}
