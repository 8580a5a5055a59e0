package io.aloft.sql.planner;

import io.aloft.sql.Schema;

/**
 * A table a {@code CREATE TABLE} defined: its columns (with the event-time attribute its watermark is
 * on), how far the watermark trails the largest event time seen (-1: no watermark), and its primary
 * key's columns (empty: none declared).
 */
public record TableDefinition(String name, Schema schema, long watermarkDelayMillis, int[] primaryKey) {

  public boolean hasWatermark() {
    return watermarkDelayMillis >= 0;
  }
}
