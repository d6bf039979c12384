package io.artifactstore.support;

import io.artifactstore.hashing.Blake3Kernels;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server as a separate process ({@code artifact-store serve} on this JVM's class path), for
 * tests of what only a process has: signals, exit statuses, a crash. Its standard output and
 * error go to a log file the test can read; the port is taken from the line it prints once it
 * listens.
 */
public final class ServerProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on https?://[^:]+:(\\d+)");

  private final Process process;
  private final Thread pump;
  private final Path log;
  private final int port;

  private ServerProcess(Process process, Thread pump, Path log, int port) {
    this.process = process;
    this.pump = pump;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code serve} with {@code config} (a configuration file written into {@code dir}) and
   * waits, up to two minutes, until it listens.
   */
  public static ServerProcess start(Path dir, JsonObject config, String name) throws Exception {
    return start(dir, config, name, launcher(), Map.of());
  }

  /** {@code java ... io.artifactstore.Main} on this JVM's class path. */
  private static List<String> launcher() {
    List<String> launcher = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
    if (Runtime.version().feature() >= Blake3Kernels.MIN_VECTOR_JDK) {
      // As scripts/artifact-store starts it on 25+: with the Vector API.
      launcher.addAll(List.of("--add-modules", "jdk.incubator.vector"));
    }
    launcher.addAll(
        List.of("-cp", System.getProperty("java.class.path"), "io.artifactstore.Main"));
    return launcher;
  }

  /**
   * Runs {@code artifact-store <command...> --config <file>} ({@code config} written into
   * {@code dir} as {@code <name>.json}) to its end: a command that exits, such as {@code fsck},
   * or a {@code serve} expected to be refused. Its exit status and its standard output and error
   * together, as {@code [exit, output]}; a process still running after two minutes is killed and
   * fails the test.
   */
  public static String[] run(Path dir, JsonObject config, String name, String... command)
      throws Exception {
    Path configFile = dir.resolve(name + ".json");
    Files.writeString(configFile, config.encodePrettily());
    List<String> line = launcher();
    line.addAll(List.of(command));
    line.addAll(List.of("--config", configFile.toString()));
    Process p = new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
      try {
        return p.getInputStream().readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError(line + " still running after two minutes: "
          + new String(out.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }
    return new String[] {String.valueOf(p.exitValue()),
        new String(out.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8)};
  }

  /**
   * Starts {@code <launcher...> serve --config <file>} with {@code environment} added to this
   * process's, and waits, up to two minutes, until it listens.
   */
  public static ServerProcess start(Path dir, JsonObject config, String name,
      List<String> launcher, Map<String, String> environment) throws Exception {
    Path configFile = dir.resolve(name + ".json");
    Files.writeString(configFile, config.encodePrettily());
    Path log = dir.resolve(name + ".log");
    List<String> command = new ArrayList<>(launcher);
    command.addAll(List.of("serve", "--config", configFile.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    Process p = builder.directory(dir.toFile())
        .redirectErrorStream(true).start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(p, log, port), "server-process-output");
    pump.setDaemon(true);
    pump.start();
    try {
      return new ServerProcess(p, pump, log, port.get(120, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly();
      // A process that ended before printing anything leaves no log.
      String output = Files.exists(log) ? Files.readString(log) : "(no output)";
      throw new IllegalStateException("the server did not start: " + output, e);
    }
  }

  /** Copies the child's output into the log, line by line, and finds the port. */
  private static void pump(Process p, Path log, CompletableFuture<Integer> port) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      port.completeExceptionally(e);
    }
    try {
      port.completeExceptionally(new IllegalStateException("exited with " + p.waitFor()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A configuration for a server on a free loopback port over {@code databaseUrl}. */
  public static JsonObject config(String databaseUrl, Path blobs) {
    return new JsonObject()
        .put("http", new JsonObject().put("port", 0).put("instances", 2))
        .put("database", new JsonObject().put("url", databaseUrl))
        .put("storage", new JsonObject().put("backends", new JsonObject()
            .put("local", new JsonObject().put("type", "local").put("root", blobs.toString()))))
        .put("security", new JsonObject().put("link_keys_file",
            blobs.resolveSibling("link-keys").toString()))
        .put("attestations", new JsonObject().put("signing_keys_file",
            blobs.resolveSibling("signing-keys").toString()));
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** Everything the server wrote so far. */
  public String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /**
   * SIGTERM: the way service managers stop a server. Sent through the process handle:
   * {@link Process#destroy} would also close our end of its output, and lose what it writes
   * while it stops.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** SIGKILL: a crash. */
  public void kill() {
    process.toHandle().destroyForcibly();
  }

  /**
   * The exit status, waiting up to {@code seconds}, once everything the process wrote is in the
   * log; fails if the process is still running.
   */
  public int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the server did not exit within " + seconds + " s");
    }
    pump.join(TimeUnit.SECONDS.toMillis(seconds));
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    pump.join(TimeUnit.SECONDS.toMillis(30));
    try {
      List<String> secrets = SecretScanner.secretsIn(log());
      if (!secrets.isEmpty()) {
        throw new AssertionError("the server process logged a token secret: " + secrets);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
