/**
 * Finding plugins with {@link java.util.ServiceLoader} (backends, storage providers, cache policies,
 * executor strategies), naming the module to add when one is missing, and strict validation of the
 * keys under Aloft's prefixes (Flink's own keys there are ignored, with one warning).
 */
package io.aloft.engine.plugins;
