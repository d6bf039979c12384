package io.artifactstore.attestations;

import io.artifactstore.db.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of the attestations one GraphQL request reached, loaded in a few queries per batch
 * of gitoids (never one per node), which every nested field then reads.
 */
final class Snapshot {

  record Attestation(String gitoid, String packageId, String kind, String payloadType,
      String statementType, String predicateType, String collectionName, String attachedTo,
      long seq) {}

  record Subject(String gitoid, int ordinal, String name, Map<String, String> digests) {}

  record Signature(String gitoid, int ordinal, String keyid, String signature,
      String verifiedBy, String reason) {}

  /** At most this many gitoids in one IN list. */
  private static final int BATCH = 500;

  static final String COLUMNS = "a.gitoid, a.package_id, a.kind, a.payload_type, "
      + "a.statement_type, a.predicate_type, a.collection_name, a.attached_to, a.recorded_seq";

  private final Database db;
  final Map<String, Attestation> attestations = new HashMap<>();
  final Map<String, List<Subject>> subjects = new HashMap<>();
  final Map<String, List<String>> types = new HashMap<>();
  final Map<String, List<Signature>> signatures = new HashMap<>();

  Snapshot(Database db) {
    this.db = db;
  }

  static Attestation attestation(Row r) {
    return new Attestation(r.getString("gitoid"), r.getString("package_id"),
        r.getString("kind"), r.getString("payload_type"), r.getString("statement_type"),
        r.getString("predicate_type"), r.getString("collection_name"),
        r.getString("attached_to"), r.getLong("recorded_seq"));
  }

  /**
   * Loads what is not loaded yet of {@code gitoids}; completes once all of them are, including
   * those another field of the same request is loading (root fields run concurrently).
   */
  Future<Void> load(Collection<String> gitoids) {
    List<String> missing = gitoids.stream().distinct()
        .filter(g -> !loading.containsKey(g)).toList();
    Future<Void> done = Future.succeededFuture();
    for (int i = 0; i < missing.size(); i += BATCH) {
      List<String> batch = missing.subList(i, Math.min(missing.size(), i + BATCH));
      done = done.compose(v -> batch(batch));
    }
    Future<Void> mine = done;
    missing.forEach(g -> loading.put(g, mine));
    List<Future<Void>> waits = gitoids.stream().distinct().map(loading::get).distinct().toList();
    return Future.all(waits).mapEmpty();
  }

  /** Each gitoid asked for, and the load that brings it. */
  private final Map<String, Future<Void>> loading = new HashMap<>();

  /** Nodes answered so far, against {@link #MAX_NODES}. */
  private int nodes;

  /** The most nodes one request answers, across all its connections. */
  static final int MAX_NODES = 50_000;

  /** Counts {@code n} more nodes; a GraphQL error beyond {@link #MAX_NODES}. */
  void count(int n) {
    nodes += n;
    if (nodes > MAX_NODES) {
      throw new graphql.GraphQLException("the query answers more than " + MAX_NODES
          + " nodes; ask for fewer (first) or less nesting");
    }
  }

  private Future<Void> batch(List<String> gitoids) {
    String in = "(" + String.join(", ", Collections.nCopies(gitoids.size(), "?")) + ")";
    Object[] args = gitoids.toArray();
    Map<String, List<Subject>> subjects = new HashMap<>();
    Map<String, List<String>> types = new HashMap<>();
    Map<String, List<Signature>> signatures = new HashMap<>();
    Map<String, Attestation> attestations = new HashMap<>();
    for (String g : gitoids) {
      subjects.put(g, new ArrayList<>());
      types.put(g, new ArrayList<>());
      signatures.put(g, new ArrayList<>());
    }
    Map<String, Map<String, String>> digests = new HashMap<>();
    return db.query("SELECT " + COLUMNS + " FROM attestations a WHERE a.gitoid IN " + in, args)
        .compose(rows -> {
          rows.forEach(r -> attestations.put(r.getString("gitoid"), attestation(r)));
          return db.query("SELECT gitoid, ordinal, algorithm, value FROM "
              + "attestation_subject_digests WHERE gitoid IN " + in
              + " ORDER BY gitoid, ordinal, algorithm", args);
        })
        .compose(rows -> {
          rows.forEach(r -> digests.computeIfAbsent(r.getString("gitoid") + "/"
              + r.getInteger("ordinal"), k -> new LinkedHashMap<>())
              .put(r.getString("algorithm"), r.getString("value")));
          return db.query("SELECT gitoid, ordinal, name FROM attestation_subjects WHERE gitoid "
              + "IN " + in + " ORDER BY gitoid, ordinal", args);
        })
        .compose(rows -> {
          rows.forEach(r -> subjects.get(r.getString("gitoid")).add(new Subject(
              r.getString("gitoid"), r.getInteger("ordinal"), r.getString("name"),
              digests.getOrDefault(r.getString("gitoid") + "/" + r.getInteger("ordinal"),
                  Map.of()))));
          return db.query("SELECT gitoid, type FROM attestation_types WHERE gitoid IN " + in
              + " ORDER BY gitoid, ordinal", args);
        })
        .compose(rows -> {
          rows.forEach(r -> types.get(r.getString("gitoid")).add(r.getString("type")));
          return db.query("SELECT gitoid, ordinal, keyid, signature, verified_by, reason FROM "
              + "attestation_signatures WHERE gitoid IN " + in + " ORDER BY gitoid, ordinal",
              args);
        })
        .map(rows -> {
          rows.forEach(r -> signatures.get(r.getString("gitoid")).add(new Signature(
              r.getString("gitoid"), r.getInteger("ordinal"), r.getString("keyid"),
              r.getString("signature"), r.getString("verified_by"), r.getString("reason"))));
          // Published whole, once every table of the batch is read.
          this.attestations.putAll(attestations);
          this.subjects.putAll(subjects);
          this.types.putAll(types);
          this.signatures.putAll(signatures);
          return null;
        });
  }
}
