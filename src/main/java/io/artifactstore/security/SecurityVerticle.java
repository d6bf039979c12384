package io.artifactstore.security;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.bus.CacheInvalidation;
import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Database;
import io.artifactstore.events.EventLog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * The control plane's side of security: answers the {@code security.token.*} addresses with
 * {@link TokenService}; a revocation answers once every server on the database forgot the
 * token ({@link CacheInvalidation} of the token, see cluster.ClusterVerticle).
 */
public final class SecurityVerticle extends VerticleBase {

  private final AppConfig config;
  private final Clock clock;
  private final Database db;

  public SecurityVerticle(AppConfig config, Clock clock, Database db) {
    this.config = config;
    this.clock = clock;
    this.db = db;
  }

  @Override
  public Future<?> start() {
    TokenService tokens = new TokenService(new EventLog(db, clock), config.security());
    return Future.all(List.of(
        serve(Addresses.TOKEN_CREATE, tokens::create),
        serve(Addresses.TOKEN_LIST, m -> tokens.list()),
        serve(Addresses.TOKEN_GET, m -> tokens.get(m.getString("id"))),
        serve(Addresses.TOKEN_REVOKE, m -> tokens.revoke(m).compose(t -> Bus.request(vertx,
                Addresses.CACHE_INVALIDATE, CacheInvalidation.ofToken(t.getString("id")).toJson())
            .otherwiseEmpty().map(t))),
        serve(Addresses.TOKEN_AUTHENTICATE,
            m -> tokens.authenticate(m.getString("secret_sha256")))));
  }

  private Future<Void> serve(String address, Function<JsonObject, Future<?>> handler) {
    return Bus.serve(vertx, address, m -> db.availability().observe(handler.apply(m)))
        .completion();
  }
}
