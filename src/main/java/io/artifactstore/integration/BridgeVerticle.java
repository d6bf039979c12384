package io.artifactstore.integration;

import io.artifactstore.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.List;
import java.util.logging.Logger;

/**
 * The TCP event-bus bridge ({@code vertx-tcp-eventbus-bridge}) for co-deployed services in
 * other processes on the host: frames of a 4-byte big-endian length and a JSON object
 * ({@code {type: send|publish|register|unregister|ping, address, headers, body,
 * replyAddress}}). Off unless {@code integration.bridge_enabled}; loopback only. In: exactly
 * the public request addresses ({@link #INBOUND}); out: exactly the notifications
 * ({@link BusApi#EVENTS}) and the replies to a client's own requests. Requests are authorized
 * like any other ({@code authorization} header in the frame's {@code headers}).
 */
public final class BridgeVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(BridgeVerticle.class.getName());

  /** The addresses a bridge client may send to. */
  static final List<String> INBOUND = List.of(BusApi.PACKAGE_CREATE, BusApi.PACKAGE_GET,
      BusApi.PACKAGE_FINALIZE, BusApi.PACKAGE_MANIFEST, BusApi.FILE_IMPORT,
      BusApi.RETENTION_STATUS, BusApi.RETENTION_EXTEND, BusApi.HOLD_PLACE, BusApi.HOLD_RELEASE,
      BusApi.EVENTS_SINCE);

  private final AppConfig.Bridge config;
  private TcpEventBusBridge bridge;

  public BridgeVerticle(AppConfig.Bridge config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    BridgeOptions permitted = new BridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddress(BusApi.EVENTS));
    INBOUND.forEach(a -> permitted.addInboundPermitted(new PermittedOptions().setAddress(a)));
    bridge = TcpEventBusBridge.create(vertx, permitted, new NetServerOptions());
    return bridge.listen(config.port(), config.host()).onSuccess(b -> LOG.info(
        "event-bus bridge listening on " + config.host() + ":" + config.port()));
  }

  @Override
  public Future<?> stop() {
    return bridge == null ? Future.succeededFuture() : bridge.close();
  }
}
