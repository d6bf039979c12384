package io.artifactstore.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stoplight Prism's validating proxy ({@code prism proxy}) in front of a server: it forwards
 * every request and reports in the {@code sl-violations} header of the answer where the
 * request or the answer departs from the OpenAPI document. The build installs Prism from npm
 * into {@code src/test/contract/node_modules}; without it the tests that need it fail.
 */
public final class Prism implements AutoCloseable {

  /** Where the build installs the npm tools (see src/test/contract/package.json). */
  public static final Path TOOLS = Path.of("src/test/contract/node_modules/.bin");

  private final Process process;
  private final int port;

  private Prism(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts Prism on a free loopback port with {@code spec}, forwarding to {@code upstream}. */
  public static Prism start(Path spec, String upstream, Path log) throws Exception {
    Path binary = TOOLS.resolve("prism");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is missing: the build installs it with npm "
          + "(./mvnw generate-test-resources)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder(List.of(binary.toString(), "proxy", spec.toString(),
        upstream, "--host", "127.0.0.1", "--port", Integer.toString(port)))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    // No analytics calls from the tools: this machine only reaches loopback and registries.
    pb.environment().put("DO_NOT_TRACK", "1");
    pb.environment().put("SCARF_ANALYTICS", "false");
    Prism prism = new Prism(pb.start(), port);
    prism.awaitListening(log);
    return prism;
  }

  private void awaitListening(Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prism exited with " + process.exitValue() + ": "
            + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException notYet) {
        process.waitFor(50, TimeUnit.MILLISECONDS);
      }
    }
    close();
    throw new IllegalStateException("prism did not listen within 120 s: " + Files.readString(log));
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
