package io.artifactstore.http;

import io.artifactstore.dataplane.StorageFaults;
import java.util.logging.Logger;

/**
 * A client that goes away mid-transfer (a download cut short, an upload abandoned) is routine
 * for a file server: it is counted in the metrics and logged at debug level, never reported as
 * a fault of the server.
 */
public final class ClientGone {

  /** Vert.x's connection logger, held: java.util.logging keeps loggers (and filters) weakly. */
  private static final Logger VERTX_CONNECTION =
      Logger.getLogger("io.vertx.core.net.impl.VertxConnection");

  private ClientGone() {}

  /** Whether {@code failure} (or a cause of it) is the client's connection going away. */
  public static boolean is(Throwable failure) {
    return StorageFaults.clientGone(failure);
  }

  /**
   * Vert.x logs an error, with a stack trace, for every file transfer of more than a megabyte
   * that a client cuts short (VertxConnection.sendFileRegion): those records are dropped.
   */
  public static void quietVertxTransferErrors() {
    VERTX_CONNECTION.setFilter(r -> r.getThrown() == null || !is(r.getThrown()));
  }
}
