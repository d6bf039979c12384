package io.artifactstore.integrity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.Main;
import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The integrity check (fsck) against a real server and a real backend: objects planted,
 * removed and altered behind the server's back, as a crash or an operator would leave them.
 */
abstract class FsckContract {

  @TempDir
  Path dir;
  TestServer server;
  Http http;

  /** Points the default backend at the store under test. */
  abstract void configure(JsonObject json);

  /** Puts {@code bytes} at the content address {@code relativePath}, unknown to the server. */
  abstract void plant(String relativePath, byte[] bytes) throws Exception;

  abstract void remove(String relativePath) throws Exception;

  abstract boolean holds(String relativePath) throws Exception;

  /** Leaves data of an upload that never committed. */
  abstract void plantTemporary() throws Exception;

  abstract int temporaries() throws Exception;

  /** The id of the default backend, as reports name it. */
  abstract String backend();

  @BeforeEach
  void start() {
    server = TestServer.start(TestDatabases.Kind.SQLITE, dir, this::configure);
    http = new Http(server.baseUrl());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @DisplayName("an unrecorded object is left alone within the grace period, reported after it, removed by repair with two events")
  void orphans() throws Exception {
    String id = createPackage();
    byte[] kept = random(1000, 1);
    assertEquals(201, http.put("/v1/packages/" + id + "/files/kept.bin", kept).status());
    JsonObject clean = fsck("");
    assertTrue(clean.getBoolean("clean"), clean.encode());
    assertEquals(1, ours(clean).getLong("objects"));
    assertEquals(1, ours(clean).getLong("recorded"));

    byte[] orphan = random(3000, 2);
    String location = location(orphan);
    plant(location, orphan);
    JsonObject young = ours(fsck(""));
    assertTrue(young.getBoolean("clean"), "within the grace period: " + young.encode());
    assertEquals(1, young.getLong("recent_unrecorded"));

    long events = eventCount();
    JsonObject reported = fsck("?grace=PT0S");
    assertFalse(reported.getBoolean("clean"));
    JsonObject orphans = ours(reported).getJsonObject("orphans");
    assertEquals(1, orphans.getLong("count"));
    assertEquals(0, orphans.getLong("repaired"));
    assertEquals(location, orphans.getJsonArray("listed").getJsonObject(0).getString("location"));
    assertTrue(holds(location), "a report changes nothing");
    assertEquals(events, eventCount(), "a report records nothing");

    JsonObject repaired = fsck("?grace=PT0S&repair=true");
    assertTrue(repaired.getBoolean("clean"), repaired.encode());
    assertEquals(1, ours(repaired).getJsonObject("orphans").getLong("repaired"));
    assertFalse(holds(location));
    List<JsonObject> recorded = eventsAfter(events);
    assertEquals(List.of("blob.orphan_removal_started", "blob.orphan_removed"),
        recorded.stream().map(e -> e.getString("type")).toList());
    assertEquals(location, recorded.get(1).getJsonObject("payload").getString("location"));
    assertEquals(backend(), recorded.get(1).getJsonObject("payload").getString("backend"));
    assertArrayEquals(kept, http.get("/v1/packages/" + id + "/files/kept.bin").body());
    assertTrue(fsck("?grace=PT0S").getBoolean("clean"));
  }

  @Test
  @DisplayName("a recorded object that is gone is reported, then recorded missing: 410 content_missing until the same bytes come again")
  void missingContent() throws Exception {
    String id = createPackage();
    byte[] bytes = random(5000, 3);
    assertEquals(201, http.put("/v1/packages/" + id + "/files/lost.bin", bytes).status());
    assertEquals(200, http.postJson("/v1/packages/" + id + "/finalize", "{}").status());
    remove(location(bytes));

    JsonObject reported = fsck("");
    assertFalse(reported.getBoolean("clean"));
    assertEquals(1, ours(reported).getJsonObject("missing").getLong("count"));
    assertEquals(503, http.get("/v1/packages/" + id + "/files/lost.bin").status(),
        "before repair: listed but not stored");

    long events = eventCount();
    JsonObject repaired = fsck("?repair=true");
    assertTrue(repaired.getBoolean("clean"), repaired.encode());
    assertEquals(1, repaired.getLong("content_missing"));
    assertEquals(List.of("blob.missing"),
        eventsAfter(events).stream().map(e -> e.getString("type")).toList());
    Http.Response gone = http.get("/v1/packages/" + id + "/files/lost.bin");
    assertEquals(410, gone.status(), gone.text());
    assertEquals("content_missing", gone.errorCode());

    String other = createPackage();
    assertEquals(201, http.put("/v1/packages/" + other + "/files/again.bin", bytes).status());
    assertArrayEquals(bytes, http.get("/v1/packages/" + id + "/files/lost.bin").body(),
        "the same bytes restore the finalized file");
    JsonObject healed = fsck("");
    assertTrue(healed.getBoolean("clean"), healed.encode());
    assertEquals(0, healed.getLong("content_missing"));
  }

  @Test
  @DisplayName("verify_content finds changed bytes of the right size; a wrong size is found without it; repair leaves both")
  void mismatches() throws Exception {
    String id = createPackage();
    byte[] bytes = random(4000, 4);
    assertEquals(201, http.put("/v1/packages/" + id + "/files/a.bin", bytes).status());
    String location = location(bytes);
    plant(location, random(4000, 5));

    assertTrue(fsck("").getBoolean("clean"), "sizes alone cannot see it");
    JsonObject verified = fsck("?verify_content=true");
    assertFalse(verified.getBoolean("clean"));
    JsonObject mismatched = ours(verified).getJsonObject("mismatched");
    assertEquals(1, mismatched.getLong("count"), verified.encode());
    assertEquals(location, mismatched.getJsonArray("listed").getJsonObject(0)
        .getString("location"));

    plant(location, random(4100, 6));
    JsonObject sized = fsck("?repair=true");
    assertFalse(sized.getBoolean("clean"), "repair cannot fix altered content");
    assertEquals(1, ours(sized).getJsonObject("mismatched").getLong("count"), sized.encode());
    assertTrue(holds(location), "altered content is evidence: repair keeps it");
  }

  @Test
  @DisplayName("a stale temporary upload is reported and removed by repair; a young one is left")
  void staleTemporaries() throws Exception {
    plantTemporary();
    JsonObject young = ours(fsck("?repair=true"));
    assertEquals(1, young.getLong("temporaries_in_flight"), young.encode());
    assertEquals(1, temporaries());

    JsonObject reported = ours(fsck("?grace=PT0S"));
    assertEquals(1, reported.getJsonObject("temporaries").getLong("count"), reported.encode());
    assertFalse(reported.getBoolean("clean"));
    assertEquals(1, temporaries());
    JsonObject repaired = ours(fsck("?grace=PT0S&repair=true"));
    assertEquals(1, repaired.getJsonObject("temporaries").getLong("repaired"));
    assertTrue(repaired.getBoolean("clean"));
    assertEquals(0, temporaries());
  }

  @Test
  @DisplayName("a grace that is not an ISO-8601 duration is 400 invalid_parameter")
  void badGrace() {
    for (String grace : List.of("1h", "-PT1H", "")) {
      Http.Response r = http.send("POST", "/v1/admin/fsck?grace=" + grace,
          java.net.http.HttpRequest.BodyPublishers.noBody());
      assertEquals(400, r.status(), grace + ": " + r.text());
      assertEquals("invalid_parameter", r.errorCode());
    }
  }

  @Test
  @DisplayName("artifact-store fsck exits 5 while problems are left and 0 once repaired; --json prints the report")
  void command() throws Exception {
    byte[] orphan = random(2000, 7);
    plant(location(orphan), orphan);
    Path config = dir.resolve("fsck.json");
    Files.writeString(config, server.configJson().encodePrettily());
    server.close();
    server = null;

    Cli report = cli("fsck", "--config", config.toString(), "--grace", "PT0S", "--json");
    assertEquals(5, report.code(), report.out());
    JsonObject json = new JsonObject(report.out());
    assertEquals(1, json.getJsonObject("backends").getJsonObject(backend())
        .getJsonObject("orphans").getLong("count"));
    assertTrue(holds(location(orphan)));

    Cli repair = cli("fsck", "--config", config.toString(), "--grace", "PT0S", "--repair");
    assertEquals(0, repair.code(), repair.out());
    assertTrue(repair.out().contains("1 removed"), repair.out());
    assertFalse(holds(location(orphan)));
    assertEquals(0, cli("fsck", "--config", config.toString()).code());
  }

  record Cli(int code, String out) {}

  static synchronized Cli cli(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = Main.commandLine().execute(args);
      return new Cli(code, out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  JsonObject fsck(String query) {
    Http.Response r = http.send("POST", "/v1/admin/fsck" + query,
        java.net.http.HttpRequest.BodyPublishers.noBody());
    assertEquals(200, r.status(), r.text());
    return r.json();
  }

  JsonObject ours(JsonObject report) {
    return report.getJsonObject("backends").getJsonObject(backend());
  }

  String createPackage() {
    Http.Response r = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}");
    assertEquals(201, r.status(), r.text());
    return r.json().getString("id");
  }

  long eventCount() {
    return eventsAfter(0).size();
  }

  List<JsonObject> eventsAfter(long count) {
    List<JsonObject> all = new ArrayList<>();
    String after = "0";
    while (after != null) {
      JsonObject page = http.get("/v1/events?after=" + after + "&limit=1000").json();
      JsonArray items = page.getJsonArray("items");
      items.forEach(o -> all.add((JsonObject) o));
      Object next = page.getValue("next_after");
      after = next == null ? null : String.valueOf(next);
    }
    return all.subList((int) count, all.size());
  }

  static String location(byte[] bytes) throws Exception {
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    return "sha256/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
