package io.artifactstore;

import io.artifactstore.cli.AuditCommand;
import io.artifactstore.cli.FsckCommand;
import io.artifactstore.cli.MigrateCommand;
import io.artifactstore.cli.RebuildViewsCommand;
import io.artifactstore.cli.RotateSigningKeyCommand;
import io.artifactstore.cli.ServeCommand;
import io.artifactstore.cli.client.ApiClient;
import io.artifactstore.cli.client.ArchiveCommands;
import io.artifactstore.cli.client.ClientException;
import io.artifactstore.cli.client.PackageCommands;
import io.artifactstore.cli.client.PushCommands;
import io.artifactstore.cli.client.TokenCommands;
import io.artifactstore.cli.client.TransferCommands;
import io.artifactstore.config.ConfigException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code artifact-store} command: the server, its administration commands, and the client
 * commands that talk to a server over HTTP (docs/cli.md).
 */
@Command(name = "artifact-store", mixinStandardHelpOptions = true,
    version = "artifact-store 0.1.0",
    description = "Content-addressed artifact registry and storage gateway.")
public final class Main implements Runnable {

  /** The commands, in the order {@code --help} lists them. */
  private static final List<Class<?>> COMMANDS = List.of(ServeCommand.class,
      MigrateCommand.class, RebuildViewsCommand.class, AuditCommand.class, FsckCommand.class,
      RotateSigningKeyCommand.class, PushCommands.Push.class, PushCommands.PushRun.class,
      TransferCommands.Get.class, TransferCommands.Pull.class, TransferCommands.Verify.class,
      PackageCommands.Ls.class, PackageCommands.Show.class, PackageCommands.Extend.class,
      PackageCommands.Hold.class, PackageCommands.Release.class,
      ArchiveCommands.Archive.class, ArchiveCommands.Archives.class,
      ArchiveCommands.Restore.class, TokenCommands.class);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = commandLine(args).execute(args);
    if (code != 0 || (args.length > 0 && !args[0].equals("serve"))) {
      ApiClient.shutdownAll(java.time.Duration.ofSeconds(1));
      System.exit(code);
    }
  }

  /**
   * The command line with the exit codes documented in docs/operations.md and docs/cli.md: 2
   * for a configuration or usage error, 1 for a failure at run time; the client commands add 3
   * (server unreachable) and 4 (not found).
   */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line for {@code args}: when the first argument names a command, only that
   * command is registered. Picocli builds the model of every registered command by reflection
   * as it is constructed, which took 0.17 s of each client command's start (a profile of
   * {@code push}); no command, an option first, or an unknown word registers all of them, so
   * that {@code --help} lists them and a misspelling gets its suggestions.
   */
  public static CommandLine commandLine(String[] args) {
    CommandLine cl = new CommandLine(new Main());
    Class<?> named = args.length > 0 ? named(args[0]) : null;
    for (Class<?> c : COMMANDS) {
      if (named == null || c == named) {
        cl.addSubcommand(new CommandLine(c));
      }
    }
    // After the commands: the handler is set on the hierarchy as it is at this call.
    return cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ClientException ce) {
        cmd.getErr().println("artifact-store: " + ce.getMessage());
        cmd.getErr().flush();
        return ce.exitCode();
      }
      if (e instanceof ConfigException) {
        cmd.getErr().println("artifact-store: configuration error: " + e.getMessage());
        return 2;
      }
      cmd.getErr().println("artifact-store: " + e.getMessage());
      return 1;
    });
  }

  /** The command whose name or alias is {@code word}, or null. */
  private static Class<?> named(String word) {
    for (Class<?> c : COMMANDS) {
      Command command = c.getAnnotation(Command.class);
      if (command.name().equals(word) || List.of(command.aliases()).contains(word)) {
        return c;
      }
    }
    return null;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
