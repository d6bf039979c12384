package io.artifactstore.retention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.db.Database;
import io.artifactstore.support.Http;
import io.artifactstore.support.MutableClock;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention, holds, deletion, reclamation and the audit chain, end to end on a real server
 * with an injected clock; one subclass per database.
 */
abstract class RetentionContract {

  @TempDir
  Path dir;

  MutableClock clock;
  TestServer server;
  Http http;

  abstract TestDatabases.Kind database();

  @BeforeEach
  void start() {
    clock = new MutableClock();
    server = TestServer.start(database(), dir, json -> { }, clock);
    http = new Http(server.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  String create(String retentionClass) {
    Http.Response r = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"s\","
        + "\"retention_class\":\"" + retentionClass + "\"}", "X-Actor", "alice");
    assertEquals(201, r.status(), r.text());
    return r.json().getString("id");
  }

  String finalized(String retentionClass, byte[] content) {
    String id = create(retentionClass);
    assertEquals(201, http.put("/v1/packages/" + id + "/files/f.bin", content).status());
    assertEquals(200, http.postJson("/v1/packages/" + id + "/finalize", "{}").status());
    return id;
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  Path blobFile(String sha) {
    return dir.resolve("blobs/sha256").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4))
        .resolve(sha);
  }

  JsonObject retention(String id) {
    Http.Response r = http.get("/v1/packages/" + id + "/retention");
    assertEquals(200, r.status(), r.text());
    return r.json();
  }

  List<String> reasonCodes(JsonObject status) {
    List<String> codes = new ArrayList<>();
    JsonArray reasons = status.getJsonArray("reasons");
    for (int i = 0; i < reasons.size(); i++) {
      codes.add(reasons.getJsonObject(i).getString("code"));
    }
    return codes;
  }

  @Test
  @DisplayName("retention extends to a later date or a longer class, and is never shortened")
  void extendNeverShorten() {
    String id = finalized("transient", "x".getBytes());
    Instant expires = Instant.parse(retention(id).getString("expires_at"));
    String later = expires.plus(Duration.ofDays(30)).toString();
    Http.Response ok = http.postJson("/v1/packages/" + id + "/retention",
        "{\"expires_at\":\"" + later + "\",\"reason\":\"audit asked\"}", "X-Actor", "bob");
    assertEquals(200, ok.status(), ok.text());
    assertEquals(later, ok.json().getString("expires_at"));

    Http.Response shorter = http.postJson("/v1/packages/" + id + "/retention",
        "{\"expires_at\":\"" + expires + "\"}");
    assertEquals(409, shorter.status());
    assertEquals("retention_shortening_refused", shorter.errorCode());
    Http.Response shorterClass = http.postJson("/v1/packages/" + id + "/retention",
        "{\"retention_class\":\"transient\"}");
    assertEquals("retention_shortening_refused", shorterClass.errorCode());
    assertEquals(later, retention(id).getString("expires_at"), "refusals change nothing");

    Http.Response longer = http.postJson("/v1/packages/" + id + "/retention",
        "{\"retention_class\":\"release-evidence\"}");
    assertEquals(200, longer.status(), longer.text());
    assertEquals("release-evidence", longer.json().getString("retention_class"));
    Http.Response forever = http.postJson("/v1/packages/" + id + "/retention",
        "{\"retention_class\":\"permanent-record\"}");
    assertNull(forever.json().getValue("expires_at"));
    Http.Response back = http.postJson("/v1/packages/" + id + "/retention",
        "{\"expires_at\":\"2999-01-01T00:00:00Z\"}");
    assertEquals("retention_shortening_refused", back.errorCode(), "never -> a date is shorter");

    assertEquals("invalid_request", http.postJson("/v1/packages/" + id + "/retention", "{}")
        .errorCode());
    assertEquals("invalid_request", http.postJson("/v1/packages/" + id + "/retention",
        "{\"expires_at\":\"tomorrow\"}").errorCode());
    assertEquals("unknown_retention_class", http.postJson("/v1/packages/" + id + "/retention",
        "{\"retention_class\":\"nope\"}").errorCode());
  }

  @Test
  @DisplayName("expires_at is recomputed from finalized_at when the package is finalized")
  void expiryFromFinalization() {
    String id = create("transient");
    Instant atCreate = Instant.parse(retention(id).getString("expires_at"));
    clock.advance(Duration.ofHours(5));
    assertEquals(201, http.put("/v1/packages/" + id + "/files/a", "a".getBytes()).status());
    JsonObject fin = http.postJson("/v1/packages/" + id + "/finalize", "{}").json();
    Instant finalized = Instant.parse(fin.getString("finalized_at"));
    assertEquals(finalized.plus(Duration.ofDays(7)), Instant.parse(fin.getString("expires_at")));
    assertTrue(Instant.parse(fin.getString("expires_at")).isAfter(atCreate));
  }

  @Test
  @DisplayName("holds: many per package, released with a reason, and deletion refused while any is active")
  void holdsBlockDeletion() {
    String id = finalized("transient", "h".getBytes());
    clock.advance(Duration.ofDays(8));
    Http.Response h1 = http.postJson("/v1/packages/" + id + "/holds",
        "{\"reason\":\"litigation\",\"reference\":\"CASE-1\"}", "X-Actor", "legal");
    assertEquals(201, h1.status(), h1.text());
    String hold1 = h1.json().getString("hold_id");
    // The verified caller (anonymous on loopback by default), not the claimed X-Actor.
    assertEquals("anonymous", h1.json().getString("placed_by"));
    String hold2 = http.postJson("/v1/packages/" + id + "/holds", "{\"reason\":\"audit\"}")
        .json().getString("hold_id");
    JsonObject status = retention(id);
    assertFalse(status.getBoolean("eligible"));
    assertEquals(List.of("hold", "hold"), reasonCodes(status));
    assertEquals(2, status.getJsonArray("holds").size());

    Http.Response refused = http.send("DELETE", "/v1/packages/" + id,
        java.net.http.HttpRequest.BodyPublishers.noBody(), "X-Actor", "admin");
    assertEquals(409, refused.status());
    assertEquals("package_not_eligible", refused.errorCode());
    assertTrue(refused.text().contains("litigation"), refused.text());

    assertEquals("invalid_request", http.send("DELETE", "/v1/packages/" + id + "/holds/" + hold1,
        java.net.http.HttpRequest.BodyPublishers.noBody()).errorCode(), "a reason is required");
    Http.Response released = http.send("DELETE", "/v1/packages/" + id + "/holds/" + hold1
        + "?reason=case%20closed", java.net.http.HttpRequest.BodyPublishers.noBody());
    assertEquals(200, released.status(), released.text());
    assertEquals("case closed", released.json().getString("release_reason"));
    assertEquals(409, http.send("DELETE", "/v1/packages/" + id + "/holds/" + hold1
        + "?reason=again", java.net.http.HttpRequest.BodyPublishers.noBody()).status());
    assertEquals("hold_not_found", http.send("DELETE", "/v1/packages/" + id + "/holds/"
        + "00000000-0000-0000-0000-000000000000?reason=x",
        java.net.http.HttpRequest.BodyPublishers.noBody()).errorCode());
    assertEquals(409, http.send("DELETE", "/v1/packages/" + id,
        java.net.http.HttpRequest.BodyPublishers.noBody()).status(), "one hold is still active");

    http.send("DELETE", "/v1/packages/" + id + "/holds/" + hold2 + "?reason=done",
        java.net.http.HttpRequest.BodyPublishers.noBody());
    assertTrue(retention(id).getBoolean("eligible"));
  }

  @Test
  @DisplayName("deletion is refused before expiry and for permanent records; after it, a tombstone stays and files are 410")
  void deletionAndTombstone() throws Exception {
    byte[] content = random(5000, 1);
    String id = finalized("transient", content);
    String permanent = finalized("permanent-record", random(10, 2));
    Http.Response early = http.send("DELETE", "/v1/packages/" + id,
        java.net.http.HttpRequest.BodyPublishers.noBody());
    assertEquals("package_not_eligible", early.errorCode());
    assertEquals(List.of("not_expired"), reasonCodes(retention(id)));

    clock.advance(Duration.ofDays(8));
    assertEquals(List.of("permanent"), reasonCodes(retention(permanent)));
    assertEquals("package_not_eligible", http.send("DELETE", "/v1/packages/" + permanent,
        java.net.http.HttpRequest.BodyPublishers.noBody()).errorCode());

    String digest = http.get("/v1/packages/" + id).json().getString("manifest_digest");
    // Downloaded once, so the HTTP verticle caches the file's reference; the deletion must
    // still take effect at once.
    assertArrayEquals(content, http.get("/v1/packages/" + id + "/files/f.bin").body());
    Http.Response deleted = http.send("DELETE", "/v1/packages/" + id + "?reason=cleanup",
        java.net.http.HttpRequest.BodyPublishers.noBody(), "X-Actor", "ops");
    assertEquals(200, deleted.status(), deleted.text());
    JsonObject t = deleted.json();
    assertEquals("deleted", t.getString("status"));
    assertEquals(digest, t.getString("manifest_digest"));
    assertEquals("anonymous", t.getString("deleted_by"));
    assertEquals("cleanup", t.getString("delete_reason"));
    assertNotNull(t.getString("deleted_at"));

    JsonObject shown = http.get("/v1/packages/" + id).json();
    assertEquals("deleted", shown.getString("status"));
    assertEquals(digest, shown.getString("manifest_digest"));
    Http.Response gone = http.get("/v1/packages/" + id + "/files/f.bin");
    assertEquals(410, gone.status());
    assertEquals("package_deleted", gone.errorCode());
    assertEquals(200, http.send("DELETE", "/v1/packages/" + id,
        java.net.http.HttpRequest.BodyPublishers.noBody()).status(), "deleting again is a no-op");
    // The delete starts reclamation in the background: wait for its event, not for a time.
    awaitEvent("blob.reclaimed", sha256(content));
    assertFalse(Files.exists(blobFile(sha256(content))), "reclaimed bytes are removed");
    Http.Response blob = http.get("/v1/blobs/sha256/" + sha256(content));
    assertEquals(404, blob.status());
    assertEquals("blob_not_found", blob.errorCode());
  }

  /** Polls the event feed until an event of {@code type} about {@code subject} is recorded. */
  void awaitEvent(String type, String subject) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    long after = 0;
    while (System.nanoTime() < deadline) {
      JsonObject page = http.get("/v1/events?limit=1000&after=" + after).json();
      for (Object o : page.getJsonArray("items")) {
        JsonObject e = (JsonObject) o;
        if (e.getString("type").equals(type) && e.getString("subject_id").equals(subject)) {
          return;
        }
        after = e.getLong("seq");
      }
      if (page.getJsonArray("items").isEmpty()) {
        Thread.sleep(10);
      }
    }
    throw new AssertionError("no " + type + " event for " + subject + " within 60 s");
  }

  @Test
  @DisplayName("the sweeper's dry run reports and changes nothing; a real sweep deletes only what is eligible")
  void sweeperDryRunAndReal() throws Exception {
    String expired = finalized("transient", random(100, 3));
    String held = finalized("transient", random(100, 4));
    String fresh = finalized("raw-evidence", random(100, 5));
    http.postJson("/v1/packages/" + held + "/holds", "{\"reason\":\"keep\"}");
    clock.advance(Duration.ofDays(8));

    JsonObject report = http.get("/v1/retention/eligible").json();
    assertEquals(List.of(expired), ids(report.getJsonArray("eligible")));
    assertEquals(List.of(held), ids(report.getJsonArray("kept")));
    assertEquals("hold", report.getJsonArray("kept").getJsonObject(0).getJsonArray("reasons")
        .getJsonObject(0).getString("code"));

    JsonObject dry = http.postJson("/v1/retention/sweep?dry_run=true", "{}").json();
    assertTrue(dry.getBoolean("dry_run"));
    assertEquals(List.of(expired), ids(dry.getJsonArray("eligible")));
    assertEquals("finalized", http.get("/v1/packages/" + expired).json().getString("status"));

    JsonObject real = http.postJson("/v1/retention/sweep?dry_run=false", "{}").json();
    assertEquals(List.of(expired), real.getJsonArray("deleted").getList());
    assertEquals("deleted", http.get("/v1/packages/" + expired).json().getString("status"));
    assertEquals("finalized", http.get("/v1/packages/" + held).json().getString("status"));
    assertEquals("finalized", http.get("/v1/packages/" + fresh).json().getString("status"));
    assertEquals(1, real.getJsonObject("reclaimed").getInteger("blobs"));
  }

  static List<String> ids(JsonArray statuses) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < statuses.size(); i++) {
      out.add(statuses.getJsonObject(i).getString("package_id"));
    }
    return out;
  }

  @Test
  @DisplayName("a blob shared by packages lives as long as the longest-lived of them")
  void sharedBlobLifetime() throws Exception {
    byte[] content = random(20_000, 6);
    String shortLived = finalized("transient", content);
    String longLived = finalized("summary-evidence", content);
    clock.advance(Duration.ofDays(8));
    assertEquals(200, http.send("DELETE", "/v1/packages/" + shortLived,
        java.net.http.HttpRequest.BodyPublishers.noBody()).status());
    http.postJson("/v1/retention/sweep?dry_run=false", "{}");
    assertTrue(Files.exists(blobFile(sha256(content))), "still referenced by a live package");
    assertArrayEquals(content, http.get("/v1/packages/" + longLived + "/files/f.bin").body());

    clock.advance(Duration.ofDays(400));
    JsonObject swept = http.postJson("/v1/retention/sweep?dry_run=false", "{}").json();
    assertEquals(List.of(longLived), swept.getJsonArray("deleted").getList());
    assertFalse(Files.exists(blobFile(sha256(content))));
  }

  @Test
  @DisplayName("an upload deduplicating against content being reclaimed never ends up pointing at missing bytes")
  void reclaimVersusDedupRace() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 12; i++) {
        byte[] content = random(300_000 + i, 100 + i);
        String old = finalized("transient", content);
        String next = create("raw-evidence");
        clock.advance(Duration.ofDays(8));
        Future<Http.Response> delete = pool.submit(() -> http.send("DELETE", "/v1/packages/" + old,
            java.net.http.HttpRequest.BodyPublishers.noBody()));
        Future<Http.Response> upload = pool.submit(() ->
            http.put("/v1/packages/" + next + "/files/copy.bin", content));
        assertEquals(200, delete.get().status(), delete.get().text());
        assertEquals(201, upload.get().status(), upload.get().text());
        // Let any reclamation triggered by the delete finish, then sweep once more.
        http.postJson("/v1/retention/sweep?dry_run=false", "{}");
        assertArrayEquals(content, http.get("/v1/packages/" + next + "/files/copy.bin").body(),
            "iteration " + i);
        assertTrue(Files.exists(blobFile(sha256(content))), "iteration " + i);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  @DisplayName("packages left uploading past retention.abandoned_after are marked failed and their bytes reclaimed")
  void abandonedUploads() throws Exception {
    byte[] content = random(7000, 7);
    String id = create("raw-evidence");
    assertEquals(201, http.put("/v1/packages/" + id + "/files/part", content).status());
    String recent = create("raw-evidence");
    clock.advance(Duration.ofHours(25));
    http.put("/v1/packages/" + recent + "/files/now", "x".getBytes());
    JsonObject sweep = http.postJson("/v1/retention/sweep?dry_run=false", "{}").json();
    assertEquals(List.of(id), sweep.getJsonArray("failed_abandoned").getList());
    assertEquals("failed", http.get("/v1/packages/" + id).json().getString("status"));
    assertEquals("uploading", http.get("/v1/packages/" + recent).json().getString("status"));
    Http.Response gone = http.get("/v1/packages/" + id + "/files/part");
    assertEquals(410, gone.status());
    assertEquals("package_failed", gone.errorCode());
    assertFalse(Files.exists(blobFile(sha256(content))));
    assertEquals("package_not_writable",
        http.put("/v1/packages/" + id + "/files/more", "y".getBytes()).errorCode());
  }

  @Test
  @DisplayName("every retention change and hold is in the package's history with its verified "
      + "actor, and the name claimed in X-Actor beside it")
  void historyRecordsActors() {
    String id = finalized("transient", "e".getBytes());
    http.postJson("/v1/packages/" + id + "/holds", "{\"reason\":\"r\"}", "X-Actor", "carol");
    http.postJson("/v1/packages/" + id + "/retention", "{\"retention_class\":\"raw-evidence\"}",
        "X-Actor", "dave");
    JsonArray items = http.get("/v1/packages/" + id + "/events").json().getJsonArray("items");
    List<String> types = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      types.add(items.getJsonObject(i).getString("type"));
    }
    assertEquals(List.of("package.created", "file.added", "package.finalized", "hold.placed",
        "retention.extended"), types);
    for (int i = 0; i < items.size(); i++) {
      assertEquals("anonymous", items.getJsonObject(i).getString("actor"));
    }
    assertEquals("alice", items.getJsonObject(0).getJsonObject("payload")
        .getString("claimed_actor"));
    assertEquals("carol", items.getJsonObject(3).getJsonObject("payload")
        .getString("claimed_actor"));
    assertEquals("dave", items.getJsonObject(4).getJsonObject("payload")
        .getString("claimed_actor"));
    assertEquals("transient", items.getJsonObject(4).getJsonObject("payload")
        .getString("previous_retention_class"));
  }

  @Test
  @DisplayName("the event feed resumes from a sequence number")
  void eventFeed() {
    finalized("transient", "f".getBytes());
    JsonObject first = http.get("/v1/events?limit=3").json();
    assertEquals(3, first.getJsonArray("items").size());
    long after = first.getLong("next_after");
    JsonObject rest = http.get("/v1/events?after=" + after + "&limit=1000").json();
    assertEquals(after + 1, rest.getJsonArray("items").getJsonObject(0).getLong("seq"));
    assertNull(rest.getValue("next_after"));
    assertEquals("invalid_parameter", http.get("/v1/events?after=-1").errorCode());
  }

  @Test
  @DisplayName("audit verify reports the head of an intact chain and the first break after a direct edit")
  void auditChainTamperDetection() {
    finalized("transient", "a".getBytes());
    JsonObject ok = http.get("/v1/audit/verify").json();
    assertTrue(ok.getBoolean("ok"), ok.encode());
    long count = ok.getLong("events");
    assertEquals(count, ok.getLong("head_seq"));
    assertEquals(64, ok.getString("head_digest").length());

    Database db = Database.open(server.vertx(), server.config().database());
    try {
      long updated = db.query("UPDATE events SET actor = 'mallory' WHERE seq = 7").await()
          .rowCount();
      assertEquals(1, updated);
      JsonObject broken = http.get("/v1/audit/verify").json();
      assertFalse(broken.getBoolean("ok"), broken.encode());
      assertEquals(7, broken.getJsonObject("first_break").getLong("seq"));
      assertEquals(6, broken.getLong("events_checked"));
    } finally {
      db.close().await();
    }
  }

  @Test
  @DisplayName("audit verify detects a removed event")
  void auditDetectsRemoval() {
    finalized("transient", "b".getBytes());
    Database db = Database.open(server.vertx(), server.config().database());
    try {
      db.query("DELETE FROM events WHERE seq = 6").await();
      JsonObject broken = http.get("/v1/audit/verify").json();
      assertFalse(broken.getBoolean("ok"));
      assertEquals(7, broken.getJsonObject("first_break").getLong("seq"));
    } finally {
      db.close().await();
    }
  }
}
