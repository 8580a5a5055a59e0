package io.aloft.sql.planner;

import io.aloft.sql.AggregateCall;
import io.aloft.sql.Deduplicate;
import io.aloft.sql.GroupAggregate;
import io.aloft.sql.Join;
import io.aloft.sql.JoinType;
import io.aloft.sql.Row;
import io.aloft.sql.Schema;
import io.aloft.sql.SqlType;
import io.aloft.sql.TopN;
import io.aloft.sql.Window;
import io.aloft.sql.WindowAggregate;
import io.aloft.sql.WindowJoin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.parser.SqlParserUtil;

/**
 * Plans {@code INSERT INTO sink SELECT …} onto one stateful operator with projections and filters
 * around it. The shapes:
 *
 * <ul>
 *   <li>{@code SELECT k, agg(x)… FROM t [WHERE …] GROUP BY k…}: a {@link GroupAggregate};
 *   <li>{@code SELECT k, window_start, window_end, agg(x)… FROM TABLE(TUMBLE|HOP|CUMULATE(TABLE t,
 *       DESCRIPTOR(ts), …)) [WHERE …] GROUP BY k…, window_start, window_end}: a {@link WindowAggregate};
 *   <li>{@code SELECT … FROM (SELECT …, ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) AS rn FROM t)
 *       WHERE rn <= N}: a {@link TopN}, or a {@link Deduplicate} when it orders by the event-time
 *       attribute and keeps one row;
 *   <li>{@code SELECT … FROM l [LEFT|RIGHT|FULL] JOIN r ON l.a = r.b [AND …] [WHERE …]}: a {@link Join},
 *       or a {@link WindowJoin} when both sides are the same window table function and the condition
 *       equates their {@code window_start} and {@code window_end}.
 * </ul>
 *
 * Anything else fails with a {@link io.aloft.sql.SqlPlanningException} naming the construct and where
 * it is.
 */
public final class Planner {

  private final Map<String, TableDefinition> tables;
  private final Map<String, Boolean> changelogSources;
  private final io.aloft.config.Config config;

  /**
   * @param tables the defined tables, by lower-case name
   * @param changelogSources lower-case names of the sources whose rows may retract
   * @param config the {@code table.*} keys (two-phase aggregation)
   */
  public Planner(Map<String, TableDefinition> tables, Map<String, Boolean> changelogSources, io.aloft.config.Config config) {
    this.tables = tables;
    this.changelogSources = changelogSources;
    this.config = config;
  }

  public Plan plan(SqlNode statement) {
    if (!(statement instanceof SqlInsert insert)) {
      throw Parsing.at(statement, "only INSERT INTO … SELECT … runs (and CREATE TABLE defines tables); not " + statement.getKind());
    }
    if (insert.getTargetColumnList() != null) {
      throw Parsing.at(insert.getTargetColumnList(), "INSERT with a column list is not supported: select the sink's columns in order");
    }
    TableDefinition sink = table((SqlIdentifier) insert.getTargetTable());
    SqlNode source = insert.getSource();
    if (source.getKind() == SqlKind.ORDER_BY) {
      throw Parsing.at(source, "ORDER BY and LIMIT are not supported (a Top-N is ROW_NUMBER() in a subquery)");
    }
    if (!(source instanceof SqlSelect select)) {
      throw Parsing.at(source, "unsupported query: " + source.getKind() + " (ORDER BY, LIMIT, UNION and VALUES are not supported)");
    }
    if (select.getHaving() != null) {
      throw Parsing.at(select.getHaving(), "HAVING is not supported");
    }
    if (select.isDistinct()) {
      throw Parsing.at(select, "SELECT DISTINCT is not supported");
    }
    if (select.getOrderList() != null || select.getFetch() != null || select.getOffset() != null) {
      throw Parsing.at(select, "ORDER BY and LIMIT are not supported");
    }
    SqlNode from = select.getFrom();
    if (from == null) {
      throw Parsing.at(select, "a query needs a FROM");
    }
    SqlNode item = unalias(from);
    if (item instanceof SqlJoin join) {
      return join(select, join, sink);
    }
    if (item instanceof SqlSelect inner) {
      if (isWindowTvfSelect(inner)) {
        return windowAggregate(select, (SqlBasicCall) unalias(inner.getFrom()), sink);
      }
      return rank(select, inner, alias(from), sink);
    }
    if (item.getKind() == SqlKind.COLLECTION_TABLE) {
      return windowAggregate(select, (SqlBasicCall) item, sink);
    }
    if (item instanceof SqlIdentifier id) {
      if (select.getGroup() == null || select.getGroup().isEmpty()) {
        throw Parsing.at(
            select,
            "no stateful operator: AloftSql runs a GROUP BY, a window aggregate, a JOIN or a ROW_NUMBER()"
                + " Top-N/deduplication (a query of projections and filters only is not supported)");
      }
      return groupAggregate(select, table(id), alias(from), sink);
    }
    throw Parsing.at(from, "unsupported FROM: " + from.getKind());
  }

  // --- tables and names --------------------------------------------------------------------------------

  /**
   * The upper-case name of the function {@code node} calls, or "" (Calcite's parser leaves functions
   * unresolved: COUNT, ROW_NUMBER or DESCRIPTOR are known by name, not by kind, until validation, which
   * Aloft does not run).
   */
  static String function(SqlNode node) {
    return node instanceof SqlBasicCall call ? call.getOperator().getName().toUpperCase(Locale.ROOT) : "";
  }

  private TableDefinition table(SqlIdentifier id) {
    String name = id.names.get(id.names.size() - 1);
    TableDefinition t = tables.get(name.toLowerCase(Locale.ROOT));
    if (t == null) {
      throw Parsing.at(id, "unknown table '" + id + "'; defined: " + tables.keySet());
    }
    return t;
  }

  private static SqlNode unalias(SqlNode node) {
    return node.getKind() == SqlKind.AS ? ((SqlBasicCall) node).operand(0) : node;
  }

  private static String alias(SqlNode node) {
    if (node.getKind() == SqlKind.AS) {
      return ((SqlIdentifier) ((SqlBasicCall) node).operand(1)).getSimple();
    }
    SqlNode n = unalias(node);
    return n instanceof SqlIdentifier id ? id.names.get(id.names.size() - 1) : null;
  }

  private boolean changelog(TableDefinition t) {
    return changelogSources.getOrDefault(t.name().toLowerCase(Locale.ROOT), false);
  }

  private static String name(SqlNode item, int index) {
    if (item.getKind() == SqlKind.AS) {
      return ((SqlIdentifier) ((SqlBasicCall) item).operand(1)).getSimple();
    }
    if (item instanceof SqlIdentifier id) {
      return id.names.get(id.names.size() - 1);
    }
    return "EXPR$" + index;
  }

  // --- projections ---------------------------------------------------------------------------------

  /** The select list compiled over {@code scope}, into the sink's columns. */
  private Function<Row, Row> projection(
      SqlSelect select, Scope scope, Function<SqlNode, Expr> override, Predicate<Row> filter, TableDefinition sink) {
    List<SqlNode> items = expandStar(select.getSelectList(), scope);
    Schema target = sink.schema();
    if (items.size() != target.size()) {
      throw Parsing.at(
          select.getSelectList(),
          "the query gives " + items.size() + " columns, the sink '" + sink.name() + "' has " + target.size());
    }
    List<Expr> exprs = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      SqlNode item = unalias(items.get(i));
      Expr e = Expressions.compile(item, scope, override);
      SqlType want = target.type(i);
      boolean fits =
          e.type().kind() == want.kind() || (e.type().isNumeric() && want.isNumeric());
      if (!fits) {
        throw Parsing.at(
            items.get(i),
            "column " + (i + 1) + " is " + e.type() + ", the sink's '" + target.column(i).name() + "' is " + want);
      }
      exprs.add(e);
    }
    return row -> {
      if (filter != null && !filter.test(row)) {
        return null;
      }
      Object[] out = new Object[exprs.size()];
      for (int i = 0; i < out.length; i++) {
        Object v = exprs.get(i).apply(row);
        SqlType want = target.type(i);
        out[i] = v == null ? null : want.coerce(v.getClass() == javaClass(want) ? v : Expressions.cast(v, want));
      }
      return Row.ofKind(row.kind(), out);
    };
  }

  private static Class<?> javaClass(SqlType t) {
    return switch (t.kind()) {
      case BOOLEAN -> Boolean.class;
      case INT -> Integer.class;
      case BIGINT -> Long.class;
      case DOUBLE -> Double.class;
      case DECIMAL -> java.math.BigDecimal.class;
      case VARCHAR -> String.class;
      case TIMESTAMP -> java.time.LocalDateTime.class;
    };
  }

  private static List<SqlNode> expandStar(SqlNodeList list, Scope scope) {
    List<SqlNode> items = new ArrayList<>();
    for (SqlNode item : list) {
      if (item instanceof SqlIdentifier id && id.isStar()) {
        String table = id.names.size() > 1 ? id.names.get(id.names.size() - 2) : null;
        for (Scope.Column c : scope.columns()) {
          if (table == null || table.equalsIgnoreCase(c.table())) {
            items.add(new SqlIdentifier(c.table() == null ? List.of(c.name()) : List.of(c.table(), c.name()), id.getParserPosition()));
          }
        }
      } else {
        items.add(item);
      }
    }
    return items;
  }

  private static Function<Row, Row> filterOnly(SqlNode where, Scope scope) {
    if (where == null) {
      return row -> row;
    }
    Predicate<Row> p = Expressions.condition(where, scope);
    return row -> p.test(row) ? row : null;
  }

  // --- group aggregate -------------------------------------------------------------------------------

  /** The aggregate call {@code node} is, or null if it is none. */
  private static AggregateCall aggregate(SqlNode node, Scope scope, String name) {
    if (!(node instanceof SqlBasicCall call)) {
      return null;
    }
    String fn = function(node);
    if (!List.of("COUNT", "SUM", "MIN", "MAX", "AVG").contains(fn) || call.getKind() == SqlKind.OVER) {
      return null;
    }
    boolean distinct =
        call.getFunctionQuantifier() != null && call.getFunctionQuantifier().getValue().toString().equals("DISTINCT");
    if (call.operandCount() != 1) {
      throw Parsing.at(node, "unsupported aggregate '" + node + "'");
    }
    SqlNode arg = call.operand(0);
    if (fn.equals("COUNT") && arg instanceof SqlIdentifier star && star.isStar()) {
      return AggregateCall.countStar().as(name);
    }
    if (!(arg instanceof SqlIdentifier id)) {
      throw Parsing.at(arg, "aggregates over expressions are not supported: aggregate a column");
    }
    String column = scope.resolve(id).name();
    AggregateCall c =
        switch (fn) {
          case "COUNT" -> AggregateCall.count(column).as(name);
          case "SUM" -> AggregateCall.sum(column).as(name);
          case "MIN" -> AggregateCall.min(column).as(name);
          case "MAX" -> AggregateCall.max(column).as(name);
          default -> AggregateCall.avg(column).as(name);
        };
    return distinct ? c.distinct() : c;
  }

  /** Collects the aggregate calls of the select list, each with the output column it becomes. */
  private static List<AggregateCall> collectAggregates(
      SqlNodeList selectList, Scope scope, List<SqlNode> found) {
    List<AggregateCall> calls = new ArrayList<>();
    for (SqlNode item : selectList) {
      collect(unalias(item), scope, calls, found);
    }
    return calls;
  }

  private static void collect(SqlNode node, Scope scope, List<AggregateCall> calls, List<SqlNode> found) {
    AggregateCall call = aggregate(node, scope, "agg" + calls.size());
    if (call != null) {
      calls.add(call);
      found.add(node);
      return;
    }
    if (node instanceof SqlBasicCall b) {
      if (b.getKind() == SqlKind.OVER) {
        throw Parsing.at(node, "OVER windows are not supported here (ROW_NUMBER() goes in a subquery for a Top-N)");
      }
      for (SqlNode operand : b.getOperandList()) {
        if (operand != null) {
          collect(operand, scope, calls, found);
        }
      }
    }
  }

  private Plan groupAggregate(SqlSelect select, TableDefinition source, String alias, TableDefinition sink) {
    Scope in = new Scope().add(alias, source.schema(), 0);
    List<String> groupBy = new ArrayList<>();
    List<Integer> groupIndexes = new ArrayList<>();
    for (SqlNode g : select.getGroup()) {
      if (!(g instanceof SqlIdentifier id)) {
        throw Parsing.at(g, "GROUP BY expressions are not supported: group by columns");
      }
      Scope.Column c = in.resolve(id);
      groupBy.add(c.name());
      groupIndexes.add(c.index());
    }
    List<SqlNode> aggNodes = new ArrayList<>();
    List<AggregateCall> calls = collectAggregates(select.getSelectList(), in, aggNodes);
    if (calls.isEmpty()) {
      calls.add(AggregateCall.countStar().as("agg0")); // GROUP BY without aggregates: one row per group
    }
    GroupAggregate.Builder b = GroupAggregate.builder(source.schema()).groupBy(groupBy.toArray(String[]::new));
    b.aggregate(calls.toArray(AggregateCall[]::new));
    if (!changelog(source)) {
      b.insertOnlyInput();
    }
    GroupAggregate op = b.build();
    Scope out = new Scope();
    for (int i = 0; i < groupBy.size(); i++) {
      out.add(alias, groupBy.get(i), op.outputSchema().type(i), i);
    }
    Function<SqlNode, Expr> aggregates = aggregateRefs(aggNodes, op.outputSchema(), groupBy.size());
    Function<Row, Row> after = projection(select, out, aggregates, null, sink);
    boolean twoPhase = io.aloft.sql.SqlOptions.twoPhase(config) && op.mergeable();
    String phases =
        twoPhase
            ? " in two phases: a local pre-aggregation per mini-batch, then the global one"
            : io.aloft.sql.SqlOptions.twoPhase(config) ? " in one phase (DISTINCT or MIN/MAX over retractions do not merge)" : "";
    return new Plan(
        List.of(source),
        List.of(filterOnly(select.getWhere(), in)),
        op,
        after,
        sink,
        sink.schema(),
        "source " + source.name() + (select.getWhere() == null ? "" : " | filter " + select.getWhere())
            + "\ngroup aggregate by " + groupBy + ": " + op.calls() + (changelog(source) ? " (retracting input)" : "") + phases
            + "\nproject into " + sink.name(),
        twoPhase);
  }

  /** Answers the aggregate calls of the select list with the aggregate output's columns. */
  private static Function<SqlNode, Expr> aggregateRefs(List<SqlNode> aggNodes, Schema output, int first) {
    return node -> {
      for (int i = 0; i < aggNodes.size(); i++) {
        if (aggNodes.get(i) == node) {
          int column = first + i;
          return new Expr(output.type(column), row -> row.get(column));
        }
      }
      return null;
    };
  }

  // --- window aggregate ----------------------------------------------------------------------------

  private static boolean isWindowTvfSelect(SqlSelect inner) {
    return inner.getFrom() != null
        && unalias(inner.getFrom()).getKind() == SqlKind.COLLECTION_TABLE
        && inner.getSelectList().size() == 1
        && inner.getSelectList().get(0) instanceof SqlIdentifier id
        && id.isStar()
        && inner.getWhere() == null
        && inner.getGroup() == null;
  }

  /** A window table function call: its source table and its window. */
  private record Tvf(TableDefinition source, Window window) {}

  private Tvf tvf(SqlBasicCall collectionTable) {
    SqlNode inner = collectionTable.operand(0);
    if (!(inner instanceof SqlBasicCall fn)) {
      throw Parsing.at(collectionTable, "unsupported table function");
    }
    String name = fn.getOperator().getName().toUpperCase(Locale.ROOT);
    List<SqlNode> args = fn.getOperandList();
    int intervals =
        switch (name) {
          case "TUMBLE" -> 1;
          case "HOP", "CUMULATE" -> 2;
          default -> throw Parsing.at(fn, "unsupported table function " + name + " (TUMBLE, HOP and CUMULATE are)");
        };
    if (args.size() != 2 + intervals) {
      throw Parsing.at(fn, name + " takes TABLE t, DESCRIPTOR(time column) and " + intervals + " interval(s)");
    }
    SqlNode table = args.get(0);
    if (table.getKind() == SqlKind.EXPLICIT_TABLE || function(table).equals("TABLE")) {
      table = ((SqlCall) table).operand(0);
    }
    if (!(table instanceof SqlIdentifier tableId)) {
      throw Parsing.at(args.get(0), name + "'s first argument must be TABLE <name>");
    }
    TableDefinition source = table(tableId);
    SqlNode descriptor = args.get(1);
    if (descriptor.getKind() != SqlKind.DESCRIPTOR && !function(descriptor).equals("DESCRIPTOR")) {
      throw Parsing.at(descriptor, name + "'s second argument must be DESCRIPTOR(<time column>)");
    }
    SqlIdentifier column = (SqlIdentifier) ((SqlCall) descriptor).operand(0);
    int rowtime = source.schema().rowtimeIndex();
    if (rowtime < 0 || !source.schema().column(rowtime).name().equalsIgnoreCase(column.getSimple())) {
      throw Parsing.at(
          column,
          "windows run on event time: DESCRIPTOR must name the column '" + source.name()
              + "' has a WATERMARK on" + (rowtime < 0 ? " (it has none)" : " ('" + source.schema().column(rowtime).name() + "')"));
    }
    long[] millis = new long[intervals];
    for (int i = 0; i < intervals; i++) {
      SqlNode interval = args.get(2 + i);
      if (!(interval instanceof SqlIntervalLiteral literal)) {
        throw Parsing.at(interval, "expected an interval such as INTERVAL '10' SECOND");
      }
      millis[i] = SqlParserUtil.intervalToMillis((SqlIntervalLiteral.IntervalValue) literal.getValue());
    }
    try {
      Window window =
          switch (name) {
            case "TUMBLE" -> Window.tumble(Duration.ofMillis(millis[0]));
            case "HOP" -> Window.hop(Duration.ofMillis(millis[0]), Duration.ofMillis(millis[1]));
            default -> Window.cumulate(Duration.ofMillis(millis[0]), Duration.ofMillis(millis[1]));
          };
      return new Tvf(source, window);
    } catch (IllegalArgumentException e) {
      throw Parsing.at(fn, e.getMessage());
    }
  }

  private Plan windowAggregate(SqlSelect select, SqlBasicCall collectionTable, TableDefinition sink) {
    Tvf tvf = tvf(collectionTable);
    TableDefinition source = tvf.source();
    if (changelog(source)) {
      throw Parsing.at(collectionTable, "window aggregates take insert-only input; '" + source.name() + "' is a changelog source");
    }
    String alias = alias(select.getFrom());
    Scope in = new Scope().add(alias, source.schema(), 0);
    if (select.getGroup() == null) {
      throw Parsing.at(select, "a window table function needs GROUP BY window_start, window_end (a window aggregate)");
    }
    List<String> groupBy = new ArrayList<>();
    boolean start = false;
    boolean end = false;
    for (SqlNode g : select.getGroup()) {
      if (!(g instanceof SqlIdentifier id)) {
        throw Parsing.at(g, "GROUP BY expressions are not supported: group by columns");
      }
      String n = id.names.get(id.names.size() - 1);
      if (n.equalsIgnoreCase("window_start")) {
        start = true;
      } else if (n.equalsIgnoreCase("window_end")) {
        end = true;
      } else if (n.equalsIgnoreCase("window_time")) {
        throw Parsing.at(g, "window_time is not supported");
      } else {
        groupBy.add(in.resolve(id).name());
      }
    }
    if (!start || !end) {
      throw Parsing.at(select.getGroup(), "a window aggregate groups by window_start and window_end");
    }
    List<SqlNode> aggNodes = new ArrayList<>();
    List<AggregateCall> calls = collectAggregates(select.getSelectList(), in, aggNodes);
    if (calls.isEmpty()) {
      calls.add(AggregateCall.countStar().as("agg0"));
    }
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).isDistinct()) {
        throw Parsing.at(aggNodes.get(i), "DISTINCT aggregates are not supported in window aggregates yet");
      }
    }
    WindowAggregate op =
        WindowAggregate.builder(source.schema())
            .groupBy(groupBy.toArray(String[]::new))
            .window(tvf.window())
            .aggregate(calls.toArray(AggregateCall[]::new))
            .build();
    Scope out = new Scope();
    for (int i = 0; i < groupBy.size(); i++) {
      out.add(alias, groupBy.get(i), op.outputSchema().type(i), i);
    }
    out.add(alias, "window_start", SqlType.timestamp().notNull(), groupBy.size());
    out.add(alias, "window_end", SqlType.timestamp().notNull(), groupBy.size() + 1);
    Function<Row, Row> after =
        projection(select, out, aggregateRefs(aggNodes, op.outputSchema(), groupBy.size() + 2), null, sink);
    return new Plan(
        List.of(source),
        List.of(filterOnly(select.getWhere(), in)),
        op,
        after,
        sink,
        sink.schema(),
        "source " + source.name() + " (watermark: " + source.schema().column(source.schema().rowtimeIndex()).name() + " - "
            + source.watermarkDelayMillis() + " ms)" + (select.getWhere() == null ? "" : " | filter " + select.getWhere())
            + "\nwindow aggregate " + tvf.window() + " by " + groupBy + ": " + calls
            + "\nproject into " + sink.name());
  }

  // --- Top-N and deduplication ---------------------------------------------------------------------

  private Plan rank(SqlSelect outer, SqlSelect inner, String innerAlias, TableDefinition sink) {
    SqlNode innerFrom = unalias(inner.getFrom());
    if (!(innerFrom instanceof SqlIdentifier tableId)) {
      throw Parsing.at(inner.getFrom(), "a ROW_NUMBER() subquery reads one table");
    }
    TableDefinition source = table(tableId);
    String sourceAlias = alias(inner.getFrom());
    Scope in = new Scope().add(sourceAlias, source.schema(), 0);
    SqlBasicCall over = null;
    String rankName = null;
    List<Scope.Column> innerColumns = new ArrayList<>();
    for (SqlNode item : inner.getSelectList()) {
      SqlNode e = unalias(item);
      if (e.getKind() == SqlKind.OVER) {
        if (over != null) {
          throw Parsing.at(item, "one ROW_NUMBER() per query");
        }
        over = (SqlBasicCall) e;
        rankName = name(item, 0);
      } else if (e instanceof SqlIdentifier id && id.isStar()) {
        innerColumns.addAll(in.columns());
      } else if (e instanceof SqlIdentifier id) {
        Scope.Column c = in.resolve(id);
        innerColumns.add(new Scope.Column(null, name(item, 0), c.type(), c.index()));
      } else {
        throw Parsing.at(item, "a ROW_NUMBER() subquery selects columns and the row number");
      }
    }
    if (over == null) {
      throw Parsing.at(inner, "a subquery in FROM is supported for ROW_NUMBER() OVER (…) only");
    }
    SqlNode fn = over.operand(0);
    if (!function(fn).equals("ROW_NUMBER")) {
      throw Parsing.at(fn, "unsupported window function " + fn + " (ROW_NUMBER() is supported)");
    }
    SqlWindow window = (SqlWindow) over.operand(1);
    List<String> partitionBy = new ArrayList<>();
    for (SqlNode p : window.getPartitionList()) {
      if (!(p instanceof SqlIdentifier id)) {
        throw Parsing.at(p, "PARTITION BY columns only");
      }
      partitionBy.add(in.resolve(id).name());
    }
    if (window.getOrderList().isEmpty()) {
      throw Parsing.at(window, "ROW_NUMBER() needs an ORDER BY");
    }
    List<String> order = new ArrayList<>();
    List<Boolean> ascending = new ArrayList<>();
    for (SqlNode o : window.getOrderList()) {
      boolean asc = true;
      SqlNode column = o;
      if (o.getKind() == SqlKind.DESCENDING) {
        asc = false;
        column = ((SqlCall) o).operand(0);
      }
      if (column.getKind() == SqlKind.NULLS_FIRST || column.getKind() == SqlKind.NULLS_LAST) {
        throw Parsing.at(o, "NULLS FIRST/LAST is not supported (NULL sorts first ascending, last descending)");
      }
      if (!(column instanceof SqlIdentifier id)) {
        throw Parsing.at(o, "ORDER BY columns only");
      }
      order.add(in.resolve(id).name());
      ascending.add(asc);
    }
    // The outer filter: rn <= N, rn < N or rn = 1.
    SqlNode where = outer.getWhere();
    long n = rankLimit(where, rankName);
    if (changelog(source)) {
      throw Parsing.at(inner, "Top-N and deduplication take insert-only input; '" + source.name() + "' is a changelog source");
    }
    boolean rankSelected = false;
    Scope out = new Scope();
    for (Scope.Column c : innerColumns) {
      out.add(innerAlias, c.name(), c.type(), c.index());
    }
    for (SqlNode item : expandStar(outer.getSelectList(), out.add(innerAlias, rankName, SqlType.bigint().notNull(), source.schema().size()))) {
      if (unalias(item) instanceof SqlIdentifier id && id.names.get(id.names.size() - 1).equalsIgnoreCase(rankName)) {
        rankSelected = true;
      }
    }
    int rowtime = source.schema().rowtimeIndex();
    boolean dedup =
        n == 1
            && !rankSelected
            && order.size() == 1
            && rowtime >= 0
            && source.schema().column(rowtime).name().equalsIgnoreCase(order.get(0));
    Object op;
    String explain;
    if (dedup) {
      Deduplicate.Builder b = Deduplicate.builder(source.schema()).partitionBy(partitionBy.toArray(String[]::new));
      op = (ascending.get(0) ? b.keepFirstRow() : b.keepLastRow()).build();
      explain = "deduplicate by " + partitionBy + " keeping the " + (ascending.get(0) ? "first" : "last") + " row by " + order.get(0);
    } else {
      TopN.Builder b = TopN.builder(source.schema()).partitionBy(partitionBy.toArray(String[]::new)).limit((int) n);
      for (int i = 0; i < order.size(); i++) {
        b = ascending.get(i) ? b.orderByAsc(order.get(i)) : b.orderByDesc(order.get(i));
      }
      if (rankSelected) {
        b = b.withRankNumber();
      }
      op = b.build();
      explain = "Top-" + n + " by " + partitionBy + " ordered by " + order + (rankSelected ? " with row numbers" : "");
    }
    Function<Row, Row> after = projection(outer, out, node -> null, null, sink);
    return new Plan(
        List.of(source),
        List.of(filterOnly(inner.getWhere(), in)),
        op,
        after,
        sink,
        sink.schema(),
        "source " + source.name() + (inner.getWhere() == null ? "" : " | filter " + inner.getWhere()) + "\n" + explain
            + "\nproject into " + sink.name());
  }

  private static long rankLimit(SqlNode where, String rankName) {
    if (where instanceof SqlBasicCall c
        && c.operand(0) instanceof SqlIdentifier id
        && id.names.get(id.names.size() - 1).equalsIgnoreCase(rankName)
        && c.operand(1) instanceof SqlNumericLiteral lit) {
      long v = lit.longValue(true);
      long n =
          switch (c.getKind()) {
            case LESS_THAN_OR_EQUAL -> v;
            case LESS_THAN -> v - 1;
            case EQUALS -> v == 1 ? 1 : -1;
            default -> -1;
          };
      if (n >= 1) {
        return n;
      }
    }
    throw Parsing.at(
        where == null ? new SqlIdentifier(rankName, org.apache.calcite.sql.parser.SqlParserPos.ZERO) : where,
        "a ROW_NUMBER() query keeps the top rows: WHERE " + rankName + " <= N (or < N, or = 1)");
  }

  // --- joins -------------------------------------------------------------------------------------------

  private record Side(TableDefinition table, String alias, Window window, SqlNode node) {}

  private Side side(SqlNode item) {
    String alias = alias(item);
    SqlNode n = unalias(item);
    if (n instanceof SqlSelect s && isWindowTvfSelect(s)) {
      n = unalias(s.getFrom());
    }
    if (n.getKind() == SqlKind.COLLECTION_TABLE) {
      Tvf tvf = tvf((SqlBasicCall) n);
      return new Side(tvf.source(), alias != null ? alias : tvf.source().name(), tvf.window(), item);
    }
    if (n instanceof SqlIdentifier id) {
      TableDefinition t = table(id);
      return new Side(t, alias != null ? alias : t.name(), null, item);
    }
    throw Parsing.at(item, "a join side must be a table or a window table function");
  }

  private Plan join(SqlSelect select, SqlJoin join, TableDefinition sink) {
    JoinType type =
        switch (join.getJoinType()) {
          case INNER -> JoinType.INNER;
          case LEFT -> JoinType.LEFT;
          case RIGHT -> JoinType.RIGHT;
          case FULL -> JoinType.FULL;
          default -> throw Parsing.at(join, join.getJoinType() + " joins are not supported (INNER, LEFT, RIGHT, FULL with ON are)");
        };
    if (join.isNatural() || join.getCondition() == null || join.getConditionType() != org.apache.calcite.sql.JoinConditionType.ON) {
      throw Parsing.at(join, "a join needs ON with equality conditions");
    }
    if (unalias(join.getLeft()) instanceof SqlJoin || unalias(join.getRight()) instanceof SqlJoin) {
      throw Parsing.at(join, "one join per query: a second join would be a second stateful stage");
    }
    Side left = side(join.getLeft());
    Side right = side(join.getRight());
    boolean windowed = left.window() != null || right.window() != null;
    if (windowed && (left.window() == null || !left.window().equals(right.window()))) {
      throw Parsing.at(join, "a window join needs the same window table function on both sides");
    }
    int leftWidth = left.table().schema().size();
    int rightWidth = right.table().schema().size();
    Scope sides = new Scope().add(left.alias(), left.table().schema(), 0).add(right.alias(), right.table().schema(), leftWidth);
    List<String[]> keys = new ArrayList<>();
    boolean windowStart = false;
    boolean windowEnd = false;
    List<SqlNode> conjuncts = new ArrayList<>();
    conjuncts(join.getCondition(), conjuncts);
    for (SqlNode c : conjuncts) {
      if (c.getKind() != SqlKind.EQUALS
          || !(((SqlBasicCall) c).operand(0) instanceof SqlIdentifier a)
          || !(((SqlBasicCall) c).operand(1) instanceof SqlIdentifier b)) {
        throw Parsing.at(c, "only equalities of columns (l.a = r.b) join: '" + c + "' is not one");
      }
      String an = a.names.get(a.names.size() - 1);
      String bn = b.names.get(b.names.size() - 1);
      if (windowed && an.equalsIgnoreCase(bn) && (an.equalsIgnoreCase("window_start") || an.equalsIgnoreCase("window_end"))) {
        windowStart |= an.equalsIgnoreCase("window_start");
        windowEnd |= an.equalsIgnoreCase("window_end");
        continue;
      }
      Scope.Column ca = sides.resolve(a);
      Scope.Column cb = sides.resolve(b);
      if ((ca.index() < leftWidth) == (cb.index() < leftWidth)) {
        throw Parsing.at(c, "'" + c + "' compares columns of one side: a join key equates a left and a right column");
      }
      Scope.Column l = ca.index() < leftWidth ? ca : cb;
      Scope.Column r = ca.index() < leftWidth ? cb : ca;
      keys.add(new String[] {l.name(), r.name()});
    }
    if (keys.isEmpty()) {
      throw Parsing.at(join.getCondition(), "a join needs at least one equality of a left and a right column");
    }
    if (windowed && (!windowStart || !windowEnd)) {
      throw Parsing.at(join.getCondition(), "a window join equates both sides' window_start and window_end");
    }
    for (Side s : List.of(left, right)) {
      if (changelog(s.table()) && windowed) {
        throw Parsing.at(s.node(), "window joins take insert-only input; '" + s.table().name() + "' is a changelog source");
      }
    }
    Object op;
    Scope out = new Scope().add(left.alias(), left.table().schema(), 0).add(right.alias(), right.table().schema(), leftWidth);
    String explain;
    try {
      if (windowed) {
        WindowJoin.Builder b = WindowJoin.builder(type, left.table().schema(), right.table().schema()).window(left.window());
        keys.forEach(k -> b.on(k[0], k[1]));
        op = b.build();
        for (String alias : List.of(left.alias(), right.alias())) {
          out.add(alias, "window_start", SqlType.timestamp().notNull(), leftWidth + rightWidth);
          out.add(alias, "window_end", SqlType.timestamp().notNull(), leftWidth + rightWidth + 1);
        }
        explain = "window join (" + type + ", " + left.window() + ") on " + keysText(keys);
      } else {
        Join.Builder b = Join.builder(type, left.table().schema(), right.table().schema());
        keys.forEach(k -> b.on(k[0], k[1]));
        if (left.table().primaryKey().length > 0) {
          b.leftUniqueKey(names(left.table()));
        }
        if (right.table().primaryKey().length > 0) {
          b.rightUniqueKey(names(right.table()));
        }
        op = b.build();
        explain = "join (" + type + ") on " + keysText(keys);
      }
    } catch (IllegalArgumentException e) {
      throw Parsing.at(join, e.getMessage());
    }
    Predicate<Row> filter = select.getWhere() == null ? null : Expressions.condition(select.getWhere(), out);
    Function<Row, Row> after = projection(select, out, node -> null, filter, sink);
    return new Plan(
        List.of(left.table(), right.table()),
        List.of(row -> row, row -> row),
        op,
        after,
        sink,
        sink.schema(),
        "sources " + left.table().name() + ", " + right.table().name() + "\n" + explain
            + (select.getWhere() == null ? "" : "\nfilter " + select.getWhere()) + "\nproject into " + sink.name());
  }

  private static String keysText(List<String[]> keys) {
    List<String> s = new ArrayList<>();
    keys.forEach(k -> s.add(k[0] + " = " + k[1]));
    return String.join(" AND ", s);
  }

  private static String[] names(TableDefinition t) {
    String[] n = new String[t.primaryKey().length];
    for (int i = 0; i < n.length; i++) {
      n[i] = t.schema().column(t.primaryKey()[i]).name();
    }
    return n;
  }

  private static void conjuncts(SqlNode node, List<SqlNode> into) {
    if (node.getKind() == SqlKind.AND) {
      for (SqlNode operand : ((SqlBasicCall) node).getOperandList()) {
        conjuncts(operand, into);
      }
    } else {
      into.add(node);
    }
  }
}
