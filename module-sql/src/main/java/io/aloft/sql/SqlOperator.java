package io.aloft.sql;

import io.aloft.config.Config;
import io.aloft.process.KeySelector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.serde.Serializer;

/**
 * A stateful SQL operator with one input, keyed by some of its input columns: what a keyed job needs to
 * run it. Run it with {@code aloft.keyedJob(() -> op.newFunction(config)).keySelector(op.keySelector())
 * .keySerializer(op.keySerializer())…}.
 */
public interface SqlOperator {

  Schema inputSchema();

  Schema outputSchema();

  /** The input columns the operator is keyed by (the group, the partition), in order. */
  int[] keyColumns();

  /** The key's columns. */
  default Schema keySchema() {
    return inputSchema().project(keyColumns());
  }

  /** A row's key: its key columns, as a row of {@link #keySchema()}. */
  default KeySelector<Row, Row> keySelector() {
    int[] columns = keyColumns();
    return row -> row.project(columns);
  }

  /** The serializer of {@link #keySchema()} rows. */
  default Serializer<Row> keySerializer() {
    return new RowSerializer(keySchema());
  }

  /**
   * A new instance of the operator's function: the async version when {@code
   * table.exec.async-state.enabled} is true in {@code config}, the sync one otherwise (one logic, the
   * same changes per key); its state expires after {@code table.exec.state.ttl} when that is set.
   *
   * @throws io.aloft.config.ConfigException naming a key whose value is wrong
   */
  KeyedProcessFunction<Row, Row, Row> newFunction(Config config);
}
