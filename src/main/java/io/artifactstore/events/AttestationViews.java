package io.artifactstore.events;

import io.artifactstore.db.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

/**
 * The views of {@code attestation.recorded} events: {@code attestations} (one row per gitoid)
 * and its subjects, subject digests, witness attestation types and DSSE signatures, in document
 * order ({@code ordinal}). Written only by {@link Projector}.
 */
final class AttestationViews {

  private AttestationViews() {}

  static Future<Void> apply(Database db, SqlConnection conn, Event e, JsonObject p) {
    String gitoid = p.getString("gitoid");
    // The same bytes recorded again after their package was deleted: the new record replaces
    // the old one.
    Future<?> done = Future.succeededFuture();
    for (String table : new String[] {"attestation_signatures", "attestation_types",
        "attestation_subject_digests", "attestation_subjects", "attestations"}) {
      done = done.compose(r -> db.query(conn, "DELETE FROM " + table + " WHERE gitoid = ?",
          gitoid));
    }
    done = done.compose(r -> db.query(conn,
        "INSERT INTO attestations (gitoid, package_id, sha256, size, kind, payload_type, "
            + "statement_type, predicate_type, collection_name, attached_to, recorded_at, "
            + "recorded_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        gitoid, p.getString("package_id"), p.getString("sha256"), p.getLong("size"),
        p.getString("kind"), p.getString("payload_type"), p.getString("statement_type"),
        p.getString("predicate_type"), p.getString("collection_name"),
        p.getString("attached_to"), e.createdAt(), e.seq()));
    JsonArray subjects = p.getJsonArray("subjects", new JsonArray());
    for (int i = 0; i < subjects.size(); i++) {
      JsonObject subject = subjects.getJsonObject(i);
      int position = i;
      done = done.compose(r -> db.query(conn, "INSERT INTO attestation_subjects (gitoid, "
          + "ordinal, name) VALUES (?, ?, ?)", gitoid, position, subject.getString("name")));
      JsonObject digests = subject.getJsonObject("digests", new JsonObject());
      for (String algorithm : digests.fieldNames()) {
        done = done.compose(r -> db.query(conn, "INSERT INTO attestation_subject_digests "
                + "(gitoid, ordinal, algorithm, value) VALUES (?, ?, ?, ?)", gitoid, position,
            algorithm, digests.getString(algorithm)));
      }
    }
    JsonArray types = p.getJsonArray("attestation_types", new JsonArray());
    for (int i = 0; i < types.size(); i++) {
      int position = i;
      done = done.compose(r -> db.query(conn, "INSERT INTO attestation_types (gitoid, ordinal, "
          + "type) VALUES (?, ?, ?)", gitoid, position, types.getString(position)));
    }
    JsonArray signatures = p.getJsonArray("signatures", new JsonArray());
    for (int i = 0; i < signatures.size(); i++) {
      JsonObject sig = signatures.getJsonObject(i);
      int position = i;
      done = done.compose(r -> db.query(conn, "INSERT INTO attestation_signatures (gitoid, "
              + "ordinal, keyid, signature, verified_by, reason) VALUES (?, ?, ?, ?, ?, ?)",
          gitoid, position, sig.getString("keyid"), sig.getString("signature"),
          sig.getString("verified_by"), sig.getString("reason")));
    }
    return done.mapEmpty();
  }
}
