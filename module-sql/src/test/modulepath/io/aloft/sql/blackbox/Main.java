package io.aloft.sql.blackbox;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.sql.AloftSql;
import io.aloft.sql.Row;
import io.aloft.sql.SqlJob;
import io.aloft.sql.SqlPlanningException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Counts clicks per user with SQL text; prints the parser's module and the final counts. */
public final class Main {
  public static void main(String[] args) {
    try (Aloft aloft = Aloft.create(Config.empty().with("state.backend.type", "hashmap").with("parallelism.default", 2))) {
      AloftSql sql = AloftSql.create(aloft);
      sql.executeSql("CREATE TABLE clicks (user_id BIGINT NOT NULL, url STRING)");
      sql.executeSql("CREATE TABLE counts (user_id BIGINT, n BIGINT)");
      List<Row> clicks = new ArrayList<>();
      for (long i = 0; i < 100; i++) {
        clicks.add(Row.of(i % 3, "/page/" + i));
      }
      TreeMap<Long, Long> counts = new TreeMap<>();
      sql.registerSource("clicks", clicks);
      sql.registerSink("counts", row -> {
        if (row.kind().isAccumulate()) {
          counts.put((Long) row.get(0), (Long) row.get(1));
        }
      });
      try (SqlJob job = sql.createJob("INSERT INTO counts SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id")) {
        job.run();
      }
      ModuleLayer.boot()
          .findModule("calcite.core")
          .ifPresent(m -> System.out.println("parser in module " + m.getName() + (m.getDescriptor().isAutomatic() ? " (automatic)" : "")));
      System.out.println("counts " + counts);
      try {
        sql.explain("INSERT INTO counts SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id HAVING COUNT(*) > 1");
      } catch (SqlPlanningException e) {
        System.out.println("refused at line " + e.line() + ", column " + e.column());
      }
    }
  }
}
