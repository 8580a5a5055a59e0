package io.aloft.sql;

/** The equi-joins Aloft's join operators run. */
public enum JoinType {
  INNER,
  /** Every left row, padded with NULLs where no right row matches. */
  LEFT,
  /** Every right row, padded with NULLs where no left row matches. */
  RIGHT,
  /** Both: every row of either side, padded where nothing matches. */
  FULL;

  public boolean leftOuter() {
    return this == LEFT || this == FULL;
  }

  public boolean rightOuter() {
    return this == RIGHT || this == FULL;
  }
}
