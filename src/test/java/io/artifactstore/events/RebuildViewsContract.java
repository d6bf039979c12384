package io.artifactstore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.db.Database;
import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event log is the source of truth: replaying it reproduces every view exactly, and a
 * damaged log is refused.
 */
abstract class RebuildViewsContract {

  private static final Map<String, String> VIEWS = new LinkedHashMap<>();

  static {
    VIEWS.put("retention_classes", "name");
    VIEWS.put("holds", "hold_id");
    VIEWS.put("packages", "id");
    VIEWS.put("files", "package_id, path");
    VIEWS.put("blobs", "sha256");
    VIEWS.put("blob_locations", "sha256, backend");
    VIEWS.put("blob_removals", "sha256, backend");
    VIEWS.put("api_tokens", "id");
    VIEWS.put("attestations", "gitoid");
    VIEWS.put("attestation_subjects", "gitoid, ordinal");
    VIEWS.put("attestation_subject_digests", "gitoid, ordinal, algorithm");
    VIEWS.put("attestation_types", "gitoid, ordinal");
    VIEWS.put("attestation_signatures", "gitoid, ordinal");
  }

  @TempDir
  Path dir;

  TestServer server;
  Database db;
  io.artifactstore.support.MutableClock clock = new io.artifactstore.support.MutableClock();

  abstract TestDatabases.Kind database();

  @BeforeEach
  void start() {
    server = TestServer.start(database(), dir, json -> { }, clock);
    db = Database.open(server.vertx(), server.config().database());
  }

  @AfterEach
  void stop() {
    db.close().await();
    server.close();
  }

  /** Creates, uploads, replaces, deduplicates and finalizes through the API. */
  void populate() {
    Http http = new Http(server.baseUrl());
    String a = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"a\","
        + "\"metadata\":{\"n\":1,\"list\":[true,null,\"x\"]}}").json().getString("id");
    String b = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"b\","
        + "\"retention_class\":\"permanent-record\"}").json().getString("id");
    assertEquals(201, http.put("/v1/packages/" + a + "/files/one", "1".getBytes()).status());
    assertEquals(201, http.put("/v1/packages/" + a + "/files/dir/two", "22".getBytes(),
        "Content-Type", "text/plain").status());
    assertEquals(201, http.put("/v1/packages/" + a + "/files/one?replace=true", "111".getBytes())
        .status());
    assertEquals(201, http.put("/v1/packages/" + b + "/files/same", "22".getBytes()).status());
    assertEquals(200, http.postJson("/v1/packages/" + a + "/finalize", "{}").status());
    String hold = http.postJson("/v1/packages/" + a + "/holds", "{\"reason\":\"r\"}").json()
        .getString("hold_id");
    http.postJson("/v1/packages/" + b + "/holds", "{\"reason\":\"kept\"}");
    assertEquals(200, http.send("DELETE", "/v1/packages/" + a + "/holds/" + hold + "?reason=done",
        java.net.http.HttpRequest.BodyPublishers.noBody()).status());
    assertEquals(200, http.postJson("/v1/packages/" + a + "/retention",
        "{\"retention_class\":\"summary-evidence\"}").status());
    String gone = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"c\","
        + "\"retention_class\":\"transient\"}").json().getString("id");
    assertEquals(201, http.put("/v1/packages/" + gone + "/files/x", "gone".getBytes()).status());
    clock.advance(java.time.Duration.ofDays(8));
    assertEquals(200, http.send("DELETE", "/v1/packages/" + gone,
        java.net.http.HttpRequest.BodyPublishers.noBody()).status());
    // Reclamation after the delete runs in the background; a sweep waits for it.
    assertEquals(200, http.postJson("/v1/retention/sweep?dry_run=false", "{}").status());
    String lost = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"d\"}")
        .json().getString("id");
    integrityRepairs(http, lost);
    // Tokens: one revoked, one still active.
    JsonObject token = http.postJson("/v1/tokens", "{\"name\":\"ci\",\"roles\":[\"producer\"],"
        + "\"producer_scope\":[\"ci/*\"],\"expires_in\":\"P30D\"}").json();
    http.postJson("/v1/tokens", "{\"name\":\"reader\",\"roles\":[\"reader\"],"
        + "\"expires_in\":\"never\"}");
    assertEquals(200, http.send("DELETE", "/v1/tokens/" + token.getString("id") + "?reason=left",
        java.net.http.HttpRequest.BodyPublishers.noBody()).status());
    // Attestations: a signed witness collection (subjects, types, a signature) and a bare
    // Statement.
    byte[] statement = io.artifactstore.attestations.ArchivistaApiContract.witnessStatement("bin",
        "ab".repeat(32), "build");
    String envelope = new JsonObject().put("payloadType", "application/vnd.in-toto+json")
        .put("payload", java.util.Base64.getEncoder().encodeToString(statement))
        .put("signatures", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("keyid", "k").put("sig", "AQID"))).encode();
    assertEquals(200, http.send("POST", "/upload",
        java.net.http.HttpRequest.BodyPublishers.ofString(envelope)).status());
    assertEquals(200, http.send("POST", "/upload", java.net.http.HttpRequest.BodyPublishers
        .ofByteArray(statement)).status());
  }

  /**
   * fsck repairs: an orphan removed (started, removed), a removal a crash interrupted (started
   * only), content lost from storage (missing).
   */
  private void integrityRepairs(Http http, String pkg) {
    try {
      plant("orphan".getBytes());
      assertEquals(201, http.put("/v1/packages/" + pkg + "/files/lost", "lost".getBytes())
          .status());
      java.nio.file.Files.delete(dir.resolve("blobs").resolve(location("lost".getBytes())));
      JsonObject repaired = http.send("POST", "/v1/admin/fsck?grace=PT0S&repair=true",
          java.net.http.HttpRequest.BodyPublishers.noBody()).json();
      assertTrue(repaired.getBoolean("clean"), repaired.encode());
      String interrupted = plant("interrupted".getBytes());
      EventLog log = new EventLog(db, clock);
      log.transaction(conn -> log.record(conn, new EventDraft(
          EventType.BLOB_ORPHAN_REMOVAL_STARTED, interrupted.substring(interrupted.lastIndexOf('/')
              + 1), "system:fsck", new JsonObject().put("sha256",
              interrupted.substring(interrupted.lastIndexOf('/') + 1)).put("backend", "local")
              .put("location", interrupted)))).await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String plant(byte[] bytes) throws Exception {
    String location = location(bytes);
    java.nio.file.Path file = dir.resolve("blobs").resolve(location);
    java.nio.file.Files.createDirectories(file.getParent());
    java.nio.file.Files.write(file, bytes);
    return location;
  }

  private static String location(byte[] bytes) throws Exception {
    String hex = java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    return "sha256/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
  }

  JsonObject snapshot() {
    JsonObject all = new JsonObject();
    VIEWS.forEach((table, key) -> {
      JsonArray rows = new JsonArray();
      for (Row r : db.query("SELECT * FROM " + table + " ORDER BY " + key).await()) {
        rows.add(r.toJson());
      }
      all.put(table, rows);
    });
    return all;
  }

  @Test
  @DisplayName("rebuild-views replays the log (every kind of event) into views identical to the live ones")
  void rebuildReproducesViews() {
    populate();
    JsonObject before = snapshot();
    assertEquals(6, before.getJsonArray("packages").size(), "four, and one per attestation");
    assertEquals(7, before.getJsonArray("files").size());
    assertEquals(2, before.getJsonArray("attestations").size());
    assertEquals(2, before.getJsonArray("attestation_subjects").size());
    assertEquals(4, before.getJsonArray("attestation_types").size());
    assertEquals(1, before.getJsonArray("attestation_signatures").size());
    assertEquals(1, before.getJsonArray("blob_removals").size());
    assertEquals(2, before.getJsonArray("holds").size());
    assertEquals(2, before.getJsonArray("api_tokens").size());
    // Damage the views so that a rebuild that did nothing would be caught.
    db.query("UPDATE packages SET subject = 'damaged', file_count = 99").await();
    db.query("DELETE FROM files").await();
    db.query("UPDATE api_tokens SET revoked_at = NULL").await();
    db.query("DELETE FROM attestation_subject_digests").await();
    db.query("UPDATE attestations SET collection_name = 'damaged'").await();
    assertNotEquals(before, snapshot());

    long events = new ViewRebuilder(new EventLog(db, Clock.systemUTC())).rebuild().await();
    assertTrue(events >= 10, "replayed " + events + " events");
    assertEquals(before, snapshot());
  }

  @Test
  @DisplayName("a blob's head digest comes from its blob.stored event; a blob without one (as "
      + "after schema change 0009) counts for every head, and a rebuild restores it")
  void headDigestsFromTheLog() throws Exception {
    Http http = new Http(server.baseUrl());
    byte[] body = new byte[100_000];
    new java.util.Random(3).nextBytes(body);
    String head = java.util.HexFormat.of().formatHex(java.security.MessageDigest
        .getInstance("SHA-256").digest(java.util.Arrays.copyOf(body, 65536)));
    String other = "0".repeat(64);
    String p = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"h\"}").json()
        .getString("id");
    assertEquals(201, http.put("/v1/packages/" + p + "/files/h.bin", body).status());
    String ask = "/v1/blobs?size=100000&head_sha256=";
    assertEquals(true, http.get(ask + head).json().getBoolean("held"));
    assertEquals(false, http.get(ask + other).json().getBoolean("held"));
    assertEquals(head, db.query("SELECT head_sha256 FROM blobs WHERE size = 100000").await()
        .iterator().next().getString("head_sha256"));

    db.query("UPDATE blobs SET head_sha256 = NULL").await();
    assertEquals(true, http.get(ask + other).json().getBoolean("held"),
        "a blob recorded without its head may have any head");

    new ViewRebuilder(new EventLog(db, Clock.systemUTC())).rebuild().await();
    assertEquals(false, http.get(ask + other).json().getBoolean("held"));
    assertEquals(true, http.get(ask + head).json().getBoolean("held"));
  }

  @Test
  @DisplayName("a rebuild refuses a log whose event was edited and leaves the views as they were")
  void rebuildRefusesDamagedLog() {
    populate();
    JsonObject before = snapshot();
    db.query("UPDATE events SET actor = 'someone-else' WHERE seq = 7").await();
    Exception e = assertThrows(Exception.class,
        () -> new ViewRebuilder(new EventLog(db, Clock.systemUTC())).rebuild().await());
    assertTrue(String.valueOf(e.getMessage()).contains("event 7"), e.getMessage());
    assertEquals(before, snapshot());
  }

  @Test
  @DisplayName("every event carries its CBOR payload, payload digest and a chain digest")
  void eventsAreChained() {
    populate();
    var events = new EventLog(db, Clock.systemUTC()).read(db.pool(), 0, 1000).await();
    byte[] previous = EventLog.GENESIS;
    long seq = 0;
    for (Event e : events) {
      assertEquals(++seq, e.seq(), "gap-free sequence");
      assertEquals(new JsonObject(e.payloadJson().encode()), e.payloadJson());
      assertTrue(java.util.Arrays.equals(EventLog.sha256(e.payload()), e.payloadDigest()));
      assertTrue(java.util.Arrays.equals(EventLog.withChain(e, previous).chainDigest(),
          e.chainDigest()));
      previous = e.chainDigest();
    }
    // The history exercises every kind of event, so the rebuild tests cover every projection.
    java.util.Set<EventType> seen = java.util.EnumSet.noneOf(EventType.class);
    events.forEach(e -> seen.add(e.type()));
    assertEquals(java.util.EnumSet.allOf(EventType.class), seen);
  }
}
