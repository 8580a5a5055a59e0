package io.aloft.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the tool in this JVM, as {@code aloft ARGS…}, capturing what it prints. */
record Cli(int exitCode, String out, String err) {

  static Cli run(Object... args) {
    String[] text = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      text[i] = args[i] instanceof Path p ? p.toString() : String.valueOf(args[i]);
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AloftCli.run(new PrintWriter(out), new PrintWriter(err), text);
    return new Cli(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
