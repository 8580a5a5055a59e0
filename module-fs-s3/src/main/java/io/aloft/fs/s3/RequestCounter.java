package io.aloft.fs.s3;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the HTTP requests the S3 client sends, by S3 operation ({@code GetObject}, {@code
 * UploadPart}, ...). It hooks in just before each request is transmitted, so every attempt counts,
 * retries included: the number S3 bills.
 */
final class RequestCounter implements ExecutionInterceptor {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    counts.computeIfAbsent(operation == null ? "unknown" : operation, k -> new LongAdder()).increment();
  }

  /** A sorted snapshot. */
  Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((operation, n) -> out.put(operation, n.sum()));
    return out;
  }
}
