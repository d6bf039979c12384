package io.artifactstore.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * A PostgreSQL server of a test's own (the embedded binaries from Maven Central), which the
 * test stops and starts again, on the same port and data, to cause a real database outage.
 */
public final class StoppablePostgres implements AutoCloseable {

  private final Path data;
  private final Path work;
  private final int port;
  private EmbeddedPostgres running;

  private StoppablePostgres(Path dir, int port) {
    this.data = dir.resolve("pgdata");
    this.work = dir.resolve("pgwork");
    this.port = port;
  }

  /** Starts a new server with its data under {@code dir}. */
  public static StoppablePostgres start(Path dir) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    StoppablePostgres pg = new StoppablePostgres(dir, port);
    pg.startAgain();
    return pg;
  }

  /** Starts the server (again) on its port, with its data as it was. */
  public synchronized void startAgain() throws IOException {
    running = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setOverrideWorkingDirectory(work.toFile())
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(true)
        .setPort(port)
        .start();
  }

  /** Stops the server (a fast shutdown: connections are cut, new ones refused). */
  public synchronized void stop() throws IOException {
    if (running != null) {
      running.close();
      running = null;
    }
  }

  /** A {@code database.url} for the {@code postgres} database of this server. */
  public String url() {
    return "postgresql://postgres:postgres@localhost:" + port + "/postgres";
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
