package io.aloft.fs.gcs;

import java.io.IOException;
import java.io.UncheckedIOException;

/** One fake GCS for the test classes that need only a working store, stopped when the JVM exits. */
final class SharedFakeGcs {

  private static FakeGcs shared;

  private SharedFakeGcs() {}

  static synchronized FakeGcs get() {
    if (shared == null) {
      try {
        shared = new FakeGcs();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the fake GCS", e);
      }
      FakeGcs fake = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(fake::close, "fake-gcs-stop"));
    }
    return shared;
  }
}
