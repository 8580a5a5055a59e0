package io.aloft.engine.state;

import java.io.IOException;

/** One storage operation of a state request: runs wherever the runtime executes requests. */
@FunctionalInterface
public interface IoCall<R> {
  R call() throws IOException;
}
