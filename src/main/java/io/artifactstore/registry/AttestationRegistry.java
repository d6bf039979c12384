package io.artifactstore.registry;

import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Database;
import io.artifactstore.events.EventDraft;
import io.artifactstore.events.EventType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Records uploaded attestations: each in a package of its own (producer
 * {@code attestations.producer}, retention class {@code attestations.retention_class}, subject
 * the attestation's gitoid), holding one file, {@value #PATH}, finalized at once, so retention,
 * holds, deletion and the audit log apply to attestations unchanged. One package per upload,
 * not per subject: an attestation is immutable evidence with a lifetime of its own (a hold on
 * one must not keep or be kept by others about the same artifact), and a package per subject
 * would have to stay open to accept the next one.
 *
 * <p>The blob is recorded first, in its own transaction (as for every upload); then, in one
 * transaction, the package's creation, its file, its finalization and the
 * {@code attestation.recorded} event. The same bytes again (same gitoid) record nothing and
 * answer the first package.
 */
public final class AttestationRegistry {

  /** The logical path of the attestation's bytes in its package. */
  public static final String PATH = "attestation.json";

  private final RegistryService registry;
  private final Database db;
  private final AppConfig.Attestations config;

  public AttestationRegistry(RegistryService registry, Database db,
      AppConfig.Attestations config) {
    this.registry = registry;
    this.db = db;
    this.config = config;
  }

  /**
   * Records the attestation {@code ref} describes: {@code {gitoid, sha256, blake3, size,
   * backend, location, lease_id, actor, claimed_actor, index}} ({@code index} as
   * {@code attestations.AttestationIndex}). Answers {@code {gitoid, package_id, attached_to,
   * created}}: those of the attestation already kept when the same bytes are (created false).
   */
  public Future<JsonObject> record(JsonObject ref) {
    String gitoid = ref.getString("gitoid");
    String actor = RegistryService.actor(ref);
    return registry.recordBlob(ref, actor)
        .compose(v -> registry.write(conn -> db.query(conn,
                "SELECT a.package_id, a.attached_to FROM attestations a JOIN packages p "
                    + "ON p.id = a.package_id WHERE a.gitoid = ? AND p.status <> 'deleted'",
                gitoid)
            .compose(rows -> {
              // The same bytes kept already: nothing new. (Once their package is deleted, the
              // same bytes again are a new attestation, in a new package.)
              if (rows.size() > 0) {
                io.vertx.sqlclient.Row r = rows.iterator().next();
                return Future.succeededFuture(new JsonObject().put("gitoid", gitoid)
                    .put("package_id", r.getString("package_id"))
                    .put("attached_to", r.getString("attached_to"))
                    .put("created", false));
              }
              String id = PackageIds.next(registry.clock());
              JsonObject index = ref.getJsonObject("index");
              JsonObject metadata = new JsonObject().put("gitoid", gitoid)
                  .put("kind", index.getString("kind"));
              if (index.getString("predicate_type") != null) {
                metadata.put("predicate_type", index.getString("predicate_type"));
              }
              JsonObject file = new JsonObject().put("package_id", id).put("path", PATH)
                  .put("size", ref.getLong("size")).put("sha256", ref.getString("sha256"))
                  .put("blake3", ref.getString("blake3")).put("media_type", "application/json");
              JsonObject recorded = index.copy().put("gitoid", gitoid).put("package_id", id)
                  .put("sha256", ref.getString("sha256")).put("size", ref.getLong("size"))
                  .put("attached_to", ref.getString("attached_to"));
              return registry.appendCreated(conn, id, config.producer(), gitoid,
                      config.retentionClass(), metadata, actor, ref)
                  .compose(x -> registry.log().record(conn,
                      EventDraft.claimed(EventType.FILE_ADDED, id, actor, ref, file)))
                  .compose(x -> registry.loadPackage(conn, id))
                  .compose(p -> registry.appendFinalized(conn, p, actor, ref))
                  .compose(x -> registry.log().record(conn,
                      EventDraft.claimed(EventType.ATTESTATION_RECORDED, id, actor, ref,
                          recorded)))
                  .map(x -> new JsonObject().put("gitoid", gitoid).put("package_id", id)
                      .put("attached_to", ref.getString("attached_to")).put("created", true));
            })))
        .eventually(() -> registry.releaseLease(ref.getString("lease_id")));
  }
}
