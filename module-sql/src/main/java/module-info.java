/**
 * Aloft's SQL: Flink's stateful SQL operators on the keyed-job runtime and the State V2 API, each in an
 * async and a sync version sharing one logic ({@code table.exec.async-state.enabled} picks), over a
 * typed changelog row model ({@link io.aloft.sql.Row}, {@link io.aloft.sql.RowKind}, {@link
 * io.aloft.sql.Schema}, {@link io.aloft.sql.RowSerializer}); and {@link io.aloft.sql.AloftSql}, SQL
 * text in Flink's dialect parsed by Apache Calcite's parser and planned onto those operators.
 */
module io.aloft.sql {
  requires transitive io.aloft.api;
  requires transitive io.aloft.engine;
  requires calcite.core; // automatic modules: Calcite's jars have no descriptors
  requires avatica.core;
  requires com.google.common;
  // Calcite's parser classes refer to java.sql types.
  requires java.sql;

  exports io.aloft.sql;
}
