package io.aloft.process;

/**
 * Extracts the key of a record. Must be deterministic: the same record always has the same key, and
 * equal keys serialize to equal bytes.
 *
 * @param <IN> record type
 * @param <K> key type
 */
@FunctionalInterface
public interface KeySelector<IN, K> {
  K getKey(IN record) throws Exception;
}
