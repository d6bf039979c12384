package io.artifactstore;

import io.artifactstore.cli.MigrateCommand;
import io.artifactstore.cli.RebuildViewsCommand;
import io.artifactstore.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code artifact-store} command: the server and its administration commands. */
@Command(name = "artifact-store", mixinStandardHelpOptions = true,
    version = "artifact-store 0.1.0",
    description = "Content-addressed artifact registry and storage gateway.",
    subcommands = {ServeCommand.class, MigrateCommand.class, RebuildViewsCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0 || (args.length > 0 && !args[0].equals("serve"))) {
      System.exit(code);
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
