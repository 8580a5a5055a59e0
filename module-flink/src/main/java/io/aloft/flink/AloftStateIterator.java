package io.aloft.flink;

import java.util.Collection;
import org.apache.flink.api.common.state.v2.State;
import org.apache.flink.runtime.asyncprocessing.AbstractStateIterator;
import org.apache.flink.runtime.asyncprocessing.StateRequestHandler;
import org.apache.flink.runtime.asyncprocessing.StateRequestType;

/**
 * A page of a list's elements or a map's entries, keys or values. A map is read a page at a time: when
 * rows remain after this page, the next is loaded by an {@code ITERATOR_LOADING} request carrying a
 * {@link Continuation} (the row to continue after), served like any other read.
 */
final class AloftStateIterator<T> extends AbstractStateIterator<T> {

  /** Where the next page of a map iteration starts: after row {@code after}. */
  record Continuation(StateRequestType type, byte[] after) {}

  private final byte[] lastRow; // null: this is the last page

  AloftStateIterator(
      State state,
      StateRequestType type,
      StateRequestHandler handler,
      Collection<T> page,
      byte[] lastRow) {
    super(state, type, handler, page);
    this.lastRow = lastRow;
  }

  @Override
  public boolean hasNextLoading() {
    return lastRow != null;
  }

  @Override
  protected Object nextPayloadForContinuousLoading() {
    return new Continuation(getRequestType(), lastRow);
  }
}
