package io.artifactstore;

import io.artifactstore.cli.AuditCommand;
import io.artifactstore.cli.FsckCommand;
import io.artifactstore.cli.MigrateCommand;
import io.artifactstore.cli.RebuildViewsCommand;
import io.artifactstore.cli.RotateSigningKeyCommand;
import io.artifactstore.cli.ServeCommand;
import io.artifactstore.cli.client.ArchiveCommands;
import io.artifactstore.cli.client.ClientException;
import io.artifactstore.cli.client.PackageCommands;
import io.artifactstore.cli.client.PushCommands;
import io.artifactstore.cli.client.TokenCommands;
import io.artifactstore.cli.client.TransferCommands;
import io.artifactstore.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code artifact-store} command: the server, its administration commands, and the client
 * commands that talk to a server over HTTP (docs/cli.md).
 */
@Command(name = "artifact-store", mixinStandardHelpOptions = true,
    version = "artifact-store 0.1.0",
    description = "Content-addressed artifact registry and storage gateway.",
    subcommands = {ServeCommand.class, MigrateCommand.class, RebuildViewsCommand.class,
        AuditCommand.class, FsckCommand.class, RotateSigningKeyCommand.class,
        PushCommands.Push.class, PushCommands.PushRun.class,
        TransferCommands.Get.class, TransferCommands.Pull.class, TransferCommands.Verify.class,
        PackageCommands.Ls.class, PackageCommands.Show.class, PackageCommands.Extend.class,
        PackageCommands.Hold.class, PackageCommands.Release.class,
        ArchiveCommands.Archive.class, ArchiveCommands.Archives.class,
        ArchiveCommands.Restore.class, TokenCommands.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0 || (args.length > 0 && !args[0].equals("serve"))) {
      System.exit(code);
    }
  }

  /**
   * The command line with the exit codes documented in docs/operations.md and docs/cli.md: 2
   * for a configuration or usage error, 1 for a failure at run time; the client commands add 3
   * (server unreachable) and 4 (not found).
   */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
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

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
