package io.aloft.engine.lsm;

import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges several {@link InternalIterator}s into one stream in internal order. Sources are given newest
 * first; for equal internal keys (which the LSM never produces) the newer source wins.
 */
final class MergingIterator implements InternalIterator, ForwardingEntryView {
  private final List<InternalIterator> sources;
  private final PriorityQueue<Integer> heap;

  MergingIterator(List<InternalIterator> sources) {
    this.sources = new ArrayList<>(sources);
    this.heap =
        new PriorityQueue<>(
            Math.max(1, sources.size()),
            (a, b) -> {
              int c = EntryView.compareInternal(this.sources.get(a), this.sources.get(b));
              return c != 0 ? c : Integer.compare(a, b);
            });
  }

  @Override
  public void seek(byte[] userKey) throws IOException {
    heap.clear();
    for (int i = 0; i < sources.size(); i++) {
      sources.get(i).seek(userKey);
      if (sources.get(i).valid()) {
        heap.add(i);
      }
    }
  }

  @Override
  public boolean valid() {
    return !heap.isEmpty();
  }

  @Override
  public Entry entry() {
    return sources.get(heap.peek()).entry();
  }

  @Override
  public EntryView current() {
    return sources.get(heap.peek());
  }








  @Override
  public void next() throws IOException {
    int top = heap.poll();
    InternalIterator source = sources.get(top);
    source.next();
    if (source.valid()) {
      heap.add(top);
    }
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (InternalIterator source : sources) {
      try {
        source.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
