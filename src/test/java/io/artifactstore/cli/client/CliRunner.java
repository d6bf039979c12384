package io.artifactstore.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.artifactstore.Main;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Runs the real client: in this JVM, or as a child process (for signals and terminals). Every
 * run of a command that remembers unfinished pushes gets {@code --state-dir} {@link #stateDir}
 * unless it names one, so that no test writes its resume records under the home folder.
 */
final class CliRunner {

  private static Path stateDir;

  /** What a run printed and its exit code. */
  record Run(int code, String out, String err) {
    JsonObject json() {
      return new JsonObject(out.trim());
    }
  }

  private CliRunner() {}

  /** {@code artifact-store <args>} in this JVM. */
  static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(withStateDir(args));
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * The state folder given to runs that name none: a temporary folder of this JVM, removed when
   * it exits. Each test's server listens on its own port, so no two tests share a push's key.
   */
  static synchronized Path stateDir() {
    if (stateDir == null) {
      try {
        stateDir = Files.createTempDirectory("artifact-store-test-state");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Path dir = stateDir;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
    }
    return stateDir;
  }

  /**
   * {@code args} with {@code --state-dir} {@link #stateDir} added when the command takes that
   * option (push, push-run, archive: asked of the command line, so a new such command gets it
   * too) and the arguments do not name one.
   */
  static String[] withStateDir(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (all.isEmpty() || all.stream().anyMatch(a -> a.startsWith("--state-dir"))) {
      return args;
    }
    CommandLine sub = Main.commandLine().getSubcommands().get(all.get(0));
    if (sub == null || sub.getCommandSpec().findOption("--state-dir") == null) {
      return args;
    }
    all.add("--state-dir");
    all.add(stateDir().toString());
    return all.toArray(String[]::new);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }

  /** As {@link #run}, expecting exit 0. */
  static Run ok(String... args) {
    Run r = run(args);
    assertEquals(0, r.code(), "exit code of " + List.of(args) + "\n" + r.out() + r.err());
    return r;
  }

  /** The command line that runs the client in a new JVM with this JVM's class path. */
  static List<String> javaCommand(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(withStateDir(args)));
    return cmd;
  }

  /** Starts the client as a child process; stdout and stderr go to files under {@code dir}. */
  static Process spawn(Path dir, Map<String, String> env, String... args) throws Exception {
    // A child inherits ignored signals: a build started in the background by a shell without
    // job control ignores SIGINT, and so would the client, whose reaction to SIGINT the tests
    // check. perl (essential on Debian) restores the default before it becomes the client.
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("perl", "-e",
        "$SIG{INT} = 'DEFAULT'; $SIG{TERM} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die $!"));
    command.addAll(javaCommand(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(dir.resolve("stdout.txt").toFile());
    pb.redirectError(dir.resolve("stderr.txt").toFile());
    return pb.start();
  }

  /** Waits for {@code condition}, polling, failing after {@code deadline}. */
  static void await(String what, Duration deadline, BooleanSupplier condition)
      throws Exception {
    io.artifactstore.support.Await.until(what, deadline, condition::getAsBoolean);
  }

  /** A port on 127.0.0.1 where nothing listens (connections to it are refused). */
  static int closedPort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static Path write(Path root, String rel, String content) throws Exception {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  static byte[] randomBytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static Path randomFile(Path p, int size, long seed) throws Exception {
    Files.createDirectories(p.getParent());
    Files.write(p, randomBytes(size, seed));
    return p;
  }
}
