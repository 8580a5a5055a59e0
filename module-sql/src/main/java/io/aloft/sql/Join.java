package io.aloft.sql;

import io.aloft.config.Config;
import io.aloft.process.KeyedCoProcessFunction;
import io.aloft.sql.runtime.JoinFunction;
import io.aloft.sql.runtime.StateAccess;
import java.util.ArrayList;
import java.util.List;

/**
 * Flink's regular (unbounded) join: {@code SELECT … FROM l [INNER|LEFT|RIGHT|FULL] JOIN r ON l.a = r.b
 * AND …} over two changelogs, keyed by the equality columns. Each side keeps its rows in state, chosen
 * by what is known about its unique key, as Flink does:
 *
 * <ul>
 *   <li>the join key contains the side's unique key: one row per key, a {@code ValueState};
 *   <li>the side has another unique key: a {@code MapState} from unique key to row;
 *   <li>no unique key: a {@code MapState} from row to its number of copies.
 * </ul>
 *
 * Outer sides also keep, per row, how many rows of the other side it matches, so that its NULL-padded
 * row is emitted when the last match goes ({@code +I}) and retracted when the first arrives ({@code
 * -D}). Matches are emitted as {@code +I} for an added row and {@code -D} for a retracted one. Rows
 * whose key holds a NULL match nothing (SQL equality). Output: the left columns, then the right ones
 * (a right column whose name the left side has gets a {@code 0} appended); the padded side's columns
 * become nullable.
 */
public final class Join implements TwoInputSqlOperator {

  private final JoinType type;
  private final Schema left;
  private final Schema right;
  private final int[] leftKey;
  private final int[] rightKey;
  private final int[] leftUnique;
  private final int[] rightUnique;
  private final Schema output;

  private Join(
      JoinType type, Schema left, Schema right, int[] leftKey, int[] rightKey, int[] leftUnique, int[] rightUnique) {
    this.type = type;
    this.left = left;
    this.right = right;
    this.leftKey = leftKey;
    this.rightKey = rightKey;
    this.leftUnique = leftUnique;
    this.rightUnique = rightUnique;
    this.output = joinedSchema(left, right, type.rightOuter(), type.leftOuter());
  }

  /** Left columns then right ones; a right name the left has gets a suffix; padded sides nullable. */
  static Schema joinedSchema(Schema left, Schema right, boolean leftPadded, boolean rightPadded) {
    Schema.Builder b = Schema.builder();
    List<String> names = new ArrayList<>();
    for (Schema.Column c : left.columns()) {
      b.column(c.name(), leftPadded ? c.type().nullable() : c.type());
      names.add(c.name().toLowerCase(java.util.Locale.ROOT));
    }
    for (Schema.Column c : right.columns()) {
      String name = c.name();
      for (int i = 0; names.contains(name.toLowerCase(java.util.Locale.ROOT)); i++) {
        name = c.name() + i;
      }
      names.add(name.toLowerCase(java.util.Locale.ROOT));
      b.column(name, rightPadded ? c.type().nullable() : c.type());
    }
    return b.build();
  }

  /**
   * The columns {@code left.leftColumn = right.rightColumn} equates, as indexes.
   *
   * @throws IllegalArgumentException naming a missing column, or columns whose types differ
   */
  static int[] keyPair(Schema left, Schema right, String leftColumn, String rightColumn) {
    int l = left.indexOf(leftColumn);
    int r = right.indexOf(rightColumn);
    if (!left.type(l).nullable().equals(right.type(r).nullable())) {
      throw new IllegalArgumentException(
          "cannot join " + leftColumn + " " + left.type(l) + " with " + rightColumn + " " + right.type(r)
              + ": the types differ");
    }
    return new int[] {l, r};
  }

  public static Builder builder(JoinType type, Schema left, Schema right) {
    return new Builder(type, left, right);
  }

  public JoinType type() {
    return type;
  }

  @Override
  public Schema leftSchema() {
    return left;
  }

  @Override
  public Schema rightSchema() {
    return right;
  }

  @Override
  public Schema outputSchema() {
    return output;
  }

  @Override
  public int[] leftKeyColumns() {
    return leftKey.clone();
  }

  @Override
  public int[] rightKeyColumns() {
    return rightKey.clone();
  }

  @Override
  public KeyedCoProcessFunction<Row, Row, Row, Row> newFunction(Config config) {
    SqlOptions.check(config);
    return new JoinFunction(
        type,
        left,
        right,
        JoinFunction.SideSpec.of(leftKey, leftUnique),
        JoinFunction.SideSpec.of(rightKey, rightUnique),
        StateAccess.of(config.get(SqlOptions.ASYNC_STATE_ENABLED)),
        config.get(SqlOptions.STATE_TTL));
  }

  /** Builds a {@link Join}. */
  public static final class Builder {
    private final JoinType type;
    private final Schema left;
    private final Schema right;
    private final List<Integer> leftKey = new ArrayList<>();
    private final List<Integer> rightKey = new ArrayList<>();
    private int[] leftUnique;
    private int[] rightUnique;

    private Builder(JoinType type, Schema left, Schema right) {
      this.type = type;
      this.left = left;
      this.right = right;
    }

    /**
     * Adds the condition {@code left.leftColumn = right.rightColumn}.
     *
     * @throws IllegalArgumentException naming a missing column, or columns whose types differ
     */
    public Builder on(String leftColumn, String rightColumn) {
      int[] pair = keyPair(left, right, leftColumn, rightColumn);
      leftKey.add(pair[0]);
      rightKey.add(pair[1]);
      return this;
    }

    /** Declares a unique key of the left input: at most one live row per value of these columns. */
    public Builder leftUniqueKey(String... columns) {
      leftUnique = indexes(left, columns);
      return this;
    }

    /** Declares a unique key of the right input. */
    public Builder rightUniqueKey(String... columns) {
      rightUnique = indexes(right, columns);
      return this;
    }

    private static int[] indexes(Schema schema, String... columns) {
      int[] idx = new int[columns.length];
      for (int i = 0; i < columns.length; i++) {
        idx[i] = schema.indexOf(columns[i]);
      }
      return idx;
    }

    public Join build() {
      if (leftKey.isEmpty()) {
        throw new IllegalArgumentException("a join needs at least one equality condition (on)");
      }
      return new Join(
          type,
          left,
          right,
          leftKey.stream().mapToInt(Integer::intValue).toArray(),
          rightKey.stream().mapToInt(Integer::intValue).toArray(),
          leftUnique,
          rightUnique);
    }
  }
}
