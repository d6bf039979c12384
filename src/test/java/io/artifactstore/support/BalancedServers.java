package io.artifactstore.support;

import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The deployment docs/deployment.md describes, on one machine: two {@code serve} processes on
 * one PostgreSQL database (a new one on the test PostgreSQL) and one S3 bucket (on the test
 * S3Proxy) as their default backend, sharing their key files, each on a fixed port so that it
 * can be restarted behind {@link Nginx}, which balances between them. Each server also runs the
 * TCP event-bus bridge on a port of its own.
 */
public final class BalancedServers implements AutoCloseable {

  private final Path dir;
  private final List<JsonObject> configs = new ArrayList<>();
  private final ServerProcess[] servers;
  private final int[] restarts;
  private final String databaseUrl;
  private final String bucket;
  private Nginx nginx;

  private BalancedServers(Path dir, int count, String databaseUrl, String bucket) {
    this.dir = dir;
    this.servers = new ServerProcess[count];
    this.restarts = new int[count];
    this.databaseUrl = databaseUrl;
    this.bucket = bucket;
  }

  /** Starts two servers (configured, then changed by {@code tweak}) and nginx in front. */
  public static BalancedServers start(Path dir, Consumer<JsonObject> tweak) throws Exception {
    String url = TestDatabases.newDatabase(TestDatabases.Kind.POSTGRESQL, dir);
    JsonObject s3 = TestS3.get().backendOptions().put("part_size_bytes", 5 * 1024 * 1024);
    BalancedServers set = new BalancedServers(dir, 2, url, s3.getString("bucket"));
    Path shared = Files.createDirectories(dir.resolve("shared"));
    try {
      for (int i = 0; i < 2; i++) {
        JsonObject c = ServerProcess.config(url, dir.resolve("blobs-" + i));
        c.getJsonObject("http").put("port", freePort());
        c.getJsonObject("storage").put("default_backend", "s3")
            .getJsonObject("backends").put("s3", s3.copy());
        // Download links and signed manifests must verify on every server: one key file each.
        c.getJsonObject("security").put("link_keys_file", shared.resolve("link-keys").toString());
        c.getJsonObject("attestations")
            .put("signing_keys_file", shared.resolve("signing-keys").toString());
        c.put("integration", new JsonObject().put("bridge_enabled", true)
            .put("bridge_port", freePort()));
        tweak.accept(c);
        set.configs.add(c);
        // One after the other: the first creates the shared key files.
        set.servers[i] = ServerProcess.start(dir, c, "server-" + i);
      }
      set.awaitPeers();
      set.nginx = Nginx.start(dir.resolve("nginx"),
          List.of(set.servers[0].port(), set.servers[1].port()));
      return set;
    } catch (Exception e) {
      set.close();
      throw e;
    }
  }

  /**
   * Waits until both servers listen to each other on the database (their caches are not
   * trusted before): the sessions named {@code artifact-store-peer/...}.
   */
  public void awaitPeers() throws Exception {
    Await.until("both servers listen on the database", java.time.Duration.ofSeconds(60),
        () -> TestDatabases.listeningServers(databaseUrl).size() == servers.length);
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Server {@code i} (0 or 1). */
  public ServerProcess server(int i) {
    return servers[i];
  }

  /** The bridge port of server {@code i}. */
  public int bridgePort(int i) {
    return configs.get(i).getJsonObject("integration").getInteger("bridge_port");
  }

  public Nginx nginx() {
    return nginx;
  }

  public String databaseUrl() {
    return databaseUrl;
  }

  /** The S3 bucket both servers store in. */
  public String bucket() {
    return bucket;
  }

  /**
   * Starts server {@code i} again, on its port, once the previous process has exited; returns
   * once it listens to the other server on the database.
   */
  public ServerProcess restart(int i) throws Exception {
    servers[i].close();
    servers[i] = ServerProcess.start(dir, configs.get(i), "server-" + i + "-" + (++restarts[i]));
    awaitPeers();
    return servers[i];
  }

  @Override
  public void close() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
    for (ServerProcess s : servers) {
      if (s != null) {
        s.close();
      }
    }
  }
}
