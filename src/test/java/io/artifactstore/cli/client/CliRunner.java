package io.artifactstore.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.artifactstore.Main;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;

/** Runs the real client: in this JVM, or as a child process (for signals and terminals). */
final class CliRunner {

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
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
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
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts the client as a child process; stdout and stderr go to files under {@code dir}. */
  static Process spawn(Path dir, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(javaCommand(args));
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(dir.resolve("stdout.txt").toFile());
    pb.redirectError(dir.resolve("stderr.txt").toFile());
    return pb.start();
  }

  /** Waits for {@code condition}, polling, failing after {@code deadline}. */
  static void await(String what, Duration deadline, BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
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
