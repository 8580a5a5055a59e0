package io.aloft.engine.async;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Work for the task thread, posted from I/O threads: delivered state requests and the batch runner's
 * book-keeping. Only the task thread takes from it, which is how every result ends up on the task
 * thread. Letters run no user code (callbacks wait for their turn in the controller), so the task
 * thread may run them wherever it waits, even inside a callback.
 */
final class Mailbox {
  private final LinkedBlockingQueue<Runnable> mail = new LinkedBlockingQueue<>();

  void post(Runnable letter) {
    mail.add(letter);
  }

  boolean isEmpty() {
    return mail.isEmpty();
  }

  /** Runs every letter already posted; returns whether there was any. Task thread only. */
  boolean runPosted() {
    boolean ran = false;
    Runnable letter;
    while ((letter = mail.poll()) != null) {
      letter.run();
      ran = true;
    }
    return ran;
  }

  /** Waits up to {@code nanos} for a letter, then runs every posted letter. Task thread only. */
  void runWithin(long nanos) throws InterruptedException {
    Runnable letter = mail.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    if (letter != null) {
      letter.run();
      runPosted();
    }
  }
}
