package io.aloft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line itself: help on every command, exit codes, usage errors, stores and configuration. */
class AloftCliTest {

  /** Every command of the tool, as typed. */
  private static List<List<String>> commands() {
    CommandLine root = AloftCli.commandLine(new java.io.PrintWriter(new java.io.StringWriter()),
        new java.io.PrintWriter(new java.io.StringWriter()));
    List<List<String>> all = new java.util.ArrayList<>();
    collect(root, List.of(), all);
    return all;
  }

  private static void collect(CommandLine cli, List<String> path, List<List<String>> all) {
    all.add(path);
    cli.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        List<String> p = new java.util.ArrayList<>(path);
        p.add(name);
        collect(sub, p, all);
      }
    });
  }

  @Test
  void everyCommandHasHelpWithTheExitCodes() {
    List<List<String>> commands = commands();
    assertThat(commands).contains(
        List.of("sst", "dump"), List.of("manifest", "show"), List.of("checkpoint", "list"),
        List.of("checkpoint", "show"), List.of("checkpoint", "verify"), List.of("checkpoint", "diff"),
        List.of("checkpoint", "orphans"), List.of("bench"));
    for (List<String> command : commands) {
      Cli cli = Cli.run(java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--help")).toArray());
      assertThat(cli.exitCode()).as("%s --help", command).isZero();
      assertThat(cli.out()).as("%s --help", command)
          .startsWith("Usage: aloft" + (command.isEmpty() ? "" : " " + String.join(" ", command)))
          .contains("Exit codes:", "  0   done", "  1   the check found problems", "  2   usage error",
              "  3   a file or store could not be read", "  4   internal error")
          .contains("--config=FILE", "-D=KEY=VALUE", "--verbose");
    }
  }

  @Test
  void aGroupOfCommandsAloneShowsItsUsageAsAUsageError() {
    for (String group : List.of("sst", "manifest", "checkpoint")) {
      Cli cli = Cli.run(group);
      assertThat(cli.exitCode()).isEqualTo(AloftCli.USAGE);
      assertThat(cli.err()).startsWith("Usage: aloft " + group);
    }
    assertThat(Cli.run().exitCode()).isEqualTo(AloftCli.USAGE);
  }

  @Test
  void aMistypedCommandIsAUsageErrorWithASuggestion() {
    Cli cli = Cli.run("checkpoint", "lst", "/tmp");

    assertThat(cli.exitCode()).isEqualTo(AloftCli.USAGE);
    assertThat(cli.err()).contains("aloft: Unmatched argument").contains("checkpoint list")
        .contains("Try 'aloft checkpoint --help'");
  }

  @Test
  void versionNamesTheTool() {
    Cli cli = Cli.run("--version");

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).startsWith("aloft ").contains("Java ");
  }

  @Test
  void aSchemeNoProviderServesIsAStoreErrorNamingTheScheme() {
    Cli cli = Cli.run("checkpoint", "list", "foo://bucket/root");

    assertThat(cli.exitCode()).isEqualTo(AloftCli.STORE_ERROR);
    assertThat(cli.err()).contains("No storage provider for scheme 'foo'").doesNotContain("\tat ");
  }

  @Test
  void aMalformedLocationIsAUsageError() {
    Cli cli = Cli.run("checkpoint", "list", "s3://user:secret@bucket/root");

    assertThat(cli.exitCode()).isEqualTo(AloftCli.USAGE);
    assertThat(cli.err()).contains("must not carry user info").doesNotContain("secret");
  }

  @Test
  void configAndSettingsReachTheStoreWhereverTheyAreGiven(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    // A setting the local provider does not read is harmless; a malformed config file is a usage error.
    java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("config.yaml"), "s3: [unclosed\n");
    Cli before = Cli.run("--config", config, "checkpoint", "list", SampleOutput.root());
    Cli after = Cli.run("checkpoint", "list", "--config", config, SampleOutput.root());
    for (Cli cli : List.of(before, after)) {
      assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(AloftCli.USAGE);
      assertThat(cli.err()).contains("Malformed YAML in " + config);
    }
    Cli missing = Cli.run("--config", dir.resolve("absent.yaml"), "checkpoint", "list", SampleOutput.root());
    assertThat(missing.exitCode()).isEqualTo(AloftCli.USAGE);
    assertThat(missing.err()).contains("Configuration file not found: " + dir.resolve("absent.yaml"));

    Cli settings = Cli.run("checkpoint", "list", SampleOutput.root(), "-D", "s3.region=eu-west-1");
    assertThat(settings.exitCode()).as(settings.toString()).isZero();
  }
}
