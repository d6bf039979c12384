package io.artifactstore.integration;

import io.artifactstore.config.AppConfig;
import io.artifactstore.security.Authenticator;
import io.artifactstore.security.Authorization;
import io.artifactstore.security.Identity;
import io.artifactstore.security.Role;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
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
 * like any other ({@code authorization} header in the frame's {@code headers}); a
 * {@code register} for the notifications must carry credentials of the reader role with no
 * producer scope, as {@link BusApi#EVENTS_SINCE} does (the notifications cover every producer),
 * and is refused with an {@code err} frame otherwise.
 */
public final class BridgeVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(BridgeVerticle.class.getName());

  /** The addresses a bridge client may send to. */
  static final List<String> INBOUND = List.of(BusApi.PACKAGE_CREATE, BusApi.PACKAGE_GET,
      BusApi.PACKAGE_LIST, BusApi.PACKAGE_FINALIZE, BusApi.PACKAGE_MANIFEST, BusApi.FILE_IMPORT,
      BusApi.FILE_ADD_BY_DIGEST,
      BusApi.RETENTION_STATUS, BusApi.RETENTION_EXTEND, BusApi.HOLD_PLACE, BusApi.HOLD_RELEASE,
      BusApi.EVENTS_SINCE);

  private final AppConfig.Bridge config;
  private final Authenticator authenticator;
  private TcpEventBusBridge bridge;

  public BridgeVerticle(AppConfig.Bridge config, Authenticator authenticator) {
    this.config = config;
    this.authenticator = authenticator;
  }

  @Override
  public Future<?> start() {
    BridgeOptions permitted = new BridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddress(BusApi.EVENTS));
    INBOUND.forEach(a -> permitted.addInboundPermitted(new PermittedOptions().setAddress(a)));
    bridge = TcpEventBusBridge.create(vertx, permitted, new NetServerOptions(), this::vet);
    return bridge.listen(config.port(), config.host()).onSuccess(b -> LOG.info(
        "event-bus bridge listening on " + config.host() + ":" + config.port()));
  }

  /** Lets every frame the permissions allow through, but a register only with credentials. */
  private void vet(BridgeEvent event) {
    if (event.type() != BridgeEventType.REGISTER) {
      event.complete(true);
      return;
    }
    JsonObject headers = event.getRawMessage() == null ? null
        : event.getRawMessage().getJsonObject("headers");
    String credentials = headers == null ? null
        : headers.getString(PublicAddresses.AUTHORIZATION);
    Future<Identity> who;
    try {
      who = authenticator.authenticate(credentials);
    } catch (RuntimeException e) {
      who = Future.failedFuture(e);
    }
    who.map(identity -> {
      Authorization.requireUnscoped(identity, Role.READER);
      return true;
    }).onComplete(ar -> {
      if (ar.failed()) {
        LOG.fine("bridge register refused: " + ar.cause().getMessage());
      }
      event.complete(ar.succeeded());
    });
  }

  @Override
  public Future<?> stop() {
    return bridge == null ? Future.succeededFuture() : bridge.close();
  }
}
