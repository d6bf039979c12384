package io.artifactstore.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx as the load balancer in front of server processes, run with
 * {@code docs/nginx-balancer.conf} (the configuration docs/deployment.md shows) with its ports
 * replaced. Fails, never skips, when nginx is not installed.
 */
public final class Nginx implements AutoCloseable {

  private final Process process;
  private final Path prefix;
  private final int port;

  private Nginx(Process process, Path prefix, int port) {
    this.process = process;
    this.prefix = prefix;
    this.port = port;
  }

  /** The nginx binary: on the PATH or Debian's {@code /usr/sbin/nginx}. */
  static String binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, "nginx"))) {
        return Path.of(dir, "nginx").toString();
      }
    }
    if (Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
      return "/usr/sbin/nginx";
    }
    throw new IllegalStateException("nginx is not installed (Debian: apt-get install nginx-light)");
  }

  /** Starts nginx in {@code prefix} balancing over the servers on {@code upstreams}. */
  public static Nginx start(Path prefix, List<Integer> upstreams) throws Exception {
    Files.createDirectories(prefix);
    String template = Files.readString(Path.of("docs", "nginx-balancer.conf"));
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    String servers = upstreams.stream()
        .map(p -> "    server 127.0.0.1:" + p + " max_fails=0;")
        .collect(Collectors.joining("\n"));
    String config = template
        .replace("    server 127.0.0.1:8001 max_fails=0;\n"
            + "    server 127.0.0.1:8002 max_fails=0;", servers)
        .replace("listen 127.0.0.1:8000;", "listen 127.0.0.1:" + port + ";");
    if (config.contains(":8001") || config.contains(":8000;")) {
      throw new IllegalStateException("docs/nginx-balancer.conf changed shape: update Nginx.java");
    }
    if ("root".equals(System.getProperty("user.name"))) {
      // Workers would run as nobody, who cannot write the test's private folders.
      config = "user root;\n" + config;
    }
    Path file = prefix.resolve("nginx.conf");
    Files.writeString(file, config);
    Process p = new ProcessBuilder(binary(), "-p", prefix.toString(), "-c", file.toString(),
        "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
    Nginx nginx = new Nginx(p, prefix, port);
    Await.until("nginx listens on " + port, java.time.Duration.ofSeconds(30), () -> {
      if (!p.isAlive()) {
        throw new IllegalStateException("nginx exited: " + nginx.log());
      }
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return true;
      } catch (IOException e) {
        return false;
      }
    });
    return nginx;
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** nginx's error log and output. */
  public String log() throws IOException {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("error.log", "stdout.log")) {
      Path f = prefix.resolve(name);
      if (Files.exists(f)) {
        out.append(Files.readString(f));
      }
    }
    return out.toString();
  }

  @Override
  public void close() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
