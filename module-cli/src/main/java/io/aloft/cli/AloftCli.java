package io.aloft.cli;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.MissingPluginException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code aloft} tool: {@code sst dump}, {@code manifest show}, {@code checkpoint list | show | verify
 * | diff | orphans} and {@code bench}, on any store whose storage provider is on the module path.
 *
 * <p>Exit codes: {@value #OK} done; {@value #PROBLEMS_FOUND} the check found problems; {@value #USAGE}
 * usage error; {@value #STORE_ERROR} a file or store could not be read or is not what the command
 * expects (the message names it); {@value #INTERNAL_ERROR} a bug in the tool (with a stack trace).
 */
@Command(
    name = "aloft",
    // INHERIT: every subcommand gets --help and --version, the exit codes and the footer.
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = AloftCli.Version.class,
    usageHelpAutoWidth = true,
    description = {
      "Inspects and checks Aloft's files — SST files, manifests, checkpoint roots — on any store whose"
          + " storage provider is on the module path (file://, s3://, gs://, abfs[s]://, wasb[s]://,"
          + " hdfs://), and benchmarks the LSM engine against a store."
    },
    subcommands = {
      SstCommand.class,
      ManifestCommand.class,
      CheckpointCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done; for checks: nothing wrong was found",
      "1:the check found problems (checkpoint verify: a missing or damaged file, an incomplete"
          + " checkpoint), each named on standard output",
      "2:usage error: an unknown option, a missing or malformed argument, a bad --config or -D value",
      "3:a file or store could not be read, or is not what the command expects (missing, not a"
          + " checkpoint, corrupt, no provider for its scheme); the message names it",
      "4:internal error in the tool (a bug): printed with its stack trace"
    },
    footerHeading = "%nLocations:%n",
    footer = {
      "A URI (file:///tmp/aloft-sample/checkpoints, s3://bucket/path, gs://…, abfss://container@account/…,"
          + " hdfs://namenode:8020/…) or a local path. Credentials and endpoints come from --config (the"
          + " config.yaml given to Aloft: s3.*, gcs.*, azure.*, hdfs.* keys) and -D key=value."
    })
public final class AloftCli implements Callable<Integer> {

  /** The command did what it was asked, or a check found nothing wrong. */
  public static final int OK = 0;

  /** A check found problems (named on standard output). */
  public static final int PROBLEMS_FOUND = 1;

  /** The command line is wrong (picocli's own code for it). */
  public static final int USAGE = 2;

  /** A file or store could not be read, or is not what the command expects. */
  public static final int STORE_ERROR = 3;

  /** A bug in the tool. */
  public static final int INTERNAL_ERROR = 4;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "config.yaml with the stores' settings (s3.endpoint, s3.access-key, …; the file given to Aloft).")
  private Path configFile;

  @Option(
      names = "-D",
      paramLabel = "KEY=VALUE",
      scope = ScopeType.INHERIT,
      description = "A configuration setting, over --config's (repeatable), e.g. -D s3.region=eu-west-1.")
  private Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print the stack trace of an error.")
  private boolean verbose;

  @Spec private CommandSpec spec;

  /** {@code aloft} with no command: the usage, as a usage error. */
  @Override
  public Integer call() {
    return missingCommand(spec);
  }

  /** A command that only groups others, run alone: its usage on standard error, as a usage error. */
  static int missingCommand(CommandSpec spec) {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /** The configuration the stores are opened with: {@code --config}, then the {@code -D} settings. */
  Config config() {
    Config config = configFile == null ? Config.empty() : Config.fromYaml(configFile);
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      config = config.with(e.getKey(), e.getValue());
    }
    return config;
  }

  /** The stores of this invocation; the caller closes them. */
  Stores openStores() {
    return new Stores(config());
  }

  /** The tool's root command object of the command {@code spec} belongs to. */
  static AloftCli of(CommandSpec spec) {
    return (AloftCli) spec.root().userObject();
  }

  /** A command line of the tool writing to {@code out} and {@code err}: what {@link #main} runs. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new AloftCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(AloftCli::failed);
    cli.setParameterExceptionHandler(AloftCli::misused);
    return cli;
  }

  /** Runs the tool on {@code args}, writing to {@code out} and {@code err}; returns its exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    try {
      return commandLine(out, err).execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  public static void main(String[] args) {
    Terminal.configureLogging();
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /** Reports a usage error in one line and where the usage is, instead of the whole usage. */
  private static int misused(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println("aloft: " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return USAGE;
  }

  /** Reports an exception a command threw: one line naming what failed, the trace only if asked. */
  private static int failed(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    boolean verbose = ((AloftCli) cli.getCommandSpec().root().userObject()).verbose;
    Throwable cause = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    int code;
    String message;
    if (cause instanceof CliException c) {
      code = c.exitCode();
      message = c.getMessage();
    } else if (cause instanceof MissingPluginException) {
      code = STORE_ERROR;
      message = cause.getMessage();
    } else if (cause instanceof ConfigException) {
      code = USAGE;
      message = cause.getMessage();
    } else if (cause instanceof NoSuchFileException n) {
      code = STORE_ERROR;
      message = "not found: " + (n.getFile() != null ? n.getFile() : n.getMessage());
    } else if (cause instanceof AccessDeniedException a) {
      code = STORE_ERROR;
      message = "access denied: " + (a.getFile() != null ? a.getFile() : a.getMessage());
    } else if (cause instanceof FileNotFoundException || cause instanceof IOException) {
      code = STORE_ERROR;
      message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
    } else {
      code = INTERNAL_ERROR;
      message = "internal error: " + cause;
    }
    err.println("aloft: " + message);
    if (verbose || code == INTERNAL_ERROR) {
      cause.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  /** {@code aloft --version}: the version this tool was built as. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = AloftCli.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {
        "aloft " + p.getProperty("version", "(unknown version)"),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
