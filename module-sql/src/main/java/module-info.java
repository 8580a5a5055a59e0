/**
 * Aloft's SQL operators: Flink's stateful SQL operators on the keyed-job runtime and the State V2 API,
 * each in an async and a sync version sharing one logic ({@code table.exec.async-state.enabled}
 * picks), over a typed changelog row model ({@link io.aloft.sql.Row}, {@link io.aloft.sql.RowKind},
 * {@link io.aloft.sql.Schema}, {@link io.aloft.sql.RowSerializer}).
 */
module io.aloft.sql {
  requires transitive io.aloft.api;

  exports io.aloft.sql;
}
