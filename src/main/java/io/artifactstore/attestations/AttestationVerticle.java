package io.artifactstore.attestations;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.db.Database;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.registry.AttestationRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.function.Function;

/**
 * The attestations' read side in the control plane: {@link Addresses#ATTESTATION_GET} (where an
 * attestation's bytes are kept) and {@link Addresses#ATTESTATION_QUERY} (Archivista's GraphQL,
 * {@link ArchivistaGraph}). Writes go through the registry
 * ({@link Addresses#ATTESTATION_RECORD}).
 */
public final class AttestationVerticle extends VerticleBase {

  private final Database db;

  /** {@code db} is shared by the control-plane verticles and closed by their owner. */
  public AttestationVerticle(Database db) {
    this.db = db;
  }

  @Override
  public Future<?> start() {
    ArchivistaGraph graph = new ArchivistaGraph(db);
    return Future.all(List.of(
        serve(Addresses.ATTESTATION_GET, m -> get(m.getString("gitoid"))),
        serve(Addresses.ATTESTATION_QUERY, graph::execute)));
  }

  /**
   * {@code {gitoid, package_id, path, kind}}; {@code attestation_not_found} when no attestation
   * has that gitoid, {@code package_deleted} when its package was deleted.
   */
  private Future<JsonObject> get(String gitoid) {
    return db.query("SELECT a.package_id, a.kind, p.status FROM attestations a JOIN packages p "
            + "ON p.id = a.package_id WHERE a.gitoid = ?", gitoid)
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new ApiException(ErrorCode.ATTESTATION_NOT_FOUND,
                "no attestation has gitoid " + gitoid));
          }
          Row r = rows.iterator().next();
          if ("deleted".equals(r.getString("status"))) {
            return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_DELETED,
                "the attestation " + gitoid + " was deleted with its package "
                    + r.getString("package_id")));
          }
          return Future.succeededFuture(new JsonObject().put("gitoid", gitoid)
              .put("package_id", r.getString("package_id")).put("path", AttestationRegistry.PATH)
              .put("kind", r.getString("kind")));
        });
  }

  private Future<Void> serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return Bus.serve(vertx, address, m -> db.availability().observe(handler.apply(m)))
        .completion();
  }
}
