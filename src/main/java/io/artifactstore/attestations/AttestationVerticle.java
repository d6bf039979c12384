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
        serve(Addresses.ATTESTATION_LIST, m -> attached(m.getString("id"))),
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

  /**
   * The attestations attached to package {@code id}, oldest first: {@code {items: [{gitoid,
   * package_id, kind, payload_type, predicate_type, recorded_at, signatures: [{keyid,
   * verified_by, reason}]}]}}; those of deleted packages are left out.
   */
  private Future<JsonObject> attached(String id) {
    return db.query("SELECT a.gitoid, a.package_id, a.kind, a.payload_type, a.predicate_type, "
            + "a.recorded_at FROM attestations a JOIN packages p ON p.id = a.package_id "
            + "WHERE a.attached_to = ? AND p.status <> 'deleted' ORDER BY a.recorded_seq", id)
        .compose(rows -> {
          io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
          java.util.Map<String, JsonObject> byGitoid = new java.util.LinkedHashMap<>();
          for (Row r : rows) {
            JsonObject item = new JsonObject().put("gitoid", r.getString("gitoid"))
                .put("package_id", r.getString("package_id")).put("kind", r.getString("kind"))
                .put("payload_type", r.getString("payload_type"))
                .put("predicate_type", r.getString("predicate_type"))
                .put("recorded_at", java.time.Instant.ofEpochMilli(r.getLong("recorded_at"))
                    .toString())
                .put("signatures", new io.vertx.core.json.JsonArray());
            items.add(item);
            byGitoid.put(r.getString("gitoid"), item);
          }
          if (byGitoid.isEmpty()) {
            return Future.succeededFuture(new JsonObject().put("items", items));
          }
          return db.query("SELECT gitoid, keyid, verified_by, reason FROM attestation_signatures"
                  + " WHERE gitoid IN (" + String.join(", ",
                      java.util.Collections.nCopies(byGitoid.size(), "?")) + ") ORDER BY gitoid,"
                  + " ordinal", byGitoid.keySet().toArray())
              .map(sigs -> {
                for (Row s : sigs) {
                  byGitoid.get(s.getString("gitoid")).getJsonArray("signatures")
                      .add(new JsonObject().put("keyid", s.getString("keyid"))
                          .put("verified_by", s.getString("verified_by"))
                          .put("reason", s.getString("reason")));
                }
                return new JsonObject().put("items", items);
              });
        });
  }

  private Future<Void> serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return Bus.serve(vertx, address, m -> db.availability().observe(handler.apply(m)))
        .completion();
  }
}
