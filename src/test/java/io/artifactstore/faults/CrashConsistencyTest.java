package io.artifactstore.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.artifactstore.support.Await;
import io.artifactstore.support.Http;
import io.artifactstore.support.ServerProcess;
import io.artifactstore.support.TestDatabases;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kill -9 under load, for real: a server process takes concurrent uploads and finalizes and is
 * killed with SIGKILL once enough of them were acknowledged; it is restarted on the same
 * database and storage, and what the clients were told is checked against what the server
 * holds. Three rounds on each database.
 *
 * <p>An upload in flight at the kill may or may not have been recorded (the server may have
 * committed it and died before answering): such a file may be visible, but only whole, with
 * the digest the client sent; a package whose finalize was in flight is either finalized with
 * every acknowledged file or still open.
 */
class CrashConsistencyTest {

  private static final int CLIENTS = 12;
  private static final int ROUNDS = 3;
  /** Uploads acknowledged in a round before the kill. */
  private static final int ACKNOWLEDGED_BEFORE_KILL = 25;
  private static final int[] SIZES = {0, 1_000, 70_000, 700_000, 3_000_000};

  @TempDir
  Path dir;

  /** An upload the client sent, and whether the server acknowledged it (201). */
  record Upload(String pkg, String path, String sha256, boolean acknowledged) {}

  /** A package and whether its finalize was acknowledged (200). */
  record Finalize(String pkg, boolean acknowledged) {}

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestDatabases.Kind.class)
  @DisplayName("SIGKILL during concurrent uploads and finalizes loses nothing acknowledged, shows nothing partial, leaves nothing after the grace period")
  void killDuringLoad(TestDatabases.Kind kind) throws Exception {
    String database = TestDatabases.newDatabase(kind, dir);
    Path blobs = dir.resolve("blobs");
    JsonObject config = ServerProcess.config(database, blobs)
        .put("integrity", new JsonObject().put("grace_period", "PT2S")
            .put("reconcile_interval", "PT1S"));
    List<Upload> uploads = new ArrayList<>();
    List<Finalize> finalizes = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      try (ServerProcess server = ServerProcess.start(dir, config, kind + "-round-" + round)) {
        load(server, round, uploads, finalizes);
        assertEquals(137, server.awaitExit(60), "killed by SIGKILL");
      }
      try (ServerProcess restarted = ServerProcess.start(dir, config,
          kind + "-after-" + round)) {
        assertEquals(0, temporaries(blobs), "no temporary file after a restart");
        Http http = new Http(restarted.baseUrl());
        int visible = checkUploads(http, uploads);
        checkFinalizes(http, finalizes, uploads);
        JsonObject audit = http.get("/v1/audit/verify").json();
        assertTrue(audit.getBoolean("ok"), audit.encode());
        awaitReconciled(http, restarted);
        assertTrue(!restarted.log().contains("SEVERE"), restarted.log());
        String repairs = restarted.log().lines()
            .filter(l -> l.contains("integrity reconciliation repaired"))
            .collect(java.util.stream.Collectors.joining(" | "));
        System.out.printf("%s round %d: %d uploads acknowledged so far, %d unacknowledged"
            + " (%d of them visible, whole); %s%n", kind, round,
            uploads.stream().filter(Upload::acknowledged).count(),
            uploads.stream().filter(u -> !u.acknowledged()).count(), visible,
            repairs.isEmpty() ? "nothing to repair" : repairs);
      }
    }
    assertTrue(uploads.stream().filter(Upload::acknowledged).count()
        >= (long) ROUNDS * ACKNOWLEDGED_BEFORE_KILL);
  }

  /** Runs the clients until enough uploads are acknowledged, then kills the server. */
  private void load(ServerProcess server, int round, List<Upload> uploads,
      List<Finalize> finalizes) throws Exception {
    AtomicBoolean killed = new AtomicBoolean();
    // Counted down by the clients on each acknowledged upload: the kill waits for it.
    CountDownLatch acknowledged = new CountDownLatch(ACKNOWLEDGED_BEFORE_KILL);
    Map<Integer, List<Upload>> sent = new ConcurrentHashMap<>();
    Map<Integer, List<Finalize>> finalized = new ConcurrentHashMap<>();
    List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      sent.put(client, new ArrayList<>());
      finalized.put(client, new ArrayList<>());
      Thread t = new Thread(() -> client(server.baseUrl(), round * 1000 + client, killed,
          acknowledged, sent.get(client), finalized.get(client), unexpected), "client-" + client);
      t.start();
      clients.add(t);
    }
    if (!acknowledged.await(3, TimeUnit.MINUTES)) {
      fail("only " + (ACKNOWLEDGED_BEFORE_KILL - acknowledged.getCount())
          + " uploads acknowledged in 3 minutes: " + server.log());
    }
    killed.set(true);
    server.kill();
    for (Thread t : clients) {
      t.join(TimeUnit.MINUTES.toMillis(2));
      assertTrue(!t.isAlive(), t.getName() + " did not stop");
    }
    assertEquals(List.of(), unexpected, "answers before the kill");
    sent.values().forEach(uploads::addAll);
    finalized.values().forEach(finalizes::addAll);
  }

  /**
   * One client: packages of two to four files, one of every four files the same content as
   * every other client's (deduplicated), each package finalized; until the server is gone.
   */
  private static void client(String base, long seed, AtomicBoolean killed,
      CountDownLatch acknowledged, List<Upload> sent, List<Finalize> finalized,
      List<String> unexpected) {
    Http http = new Http(base);
    Random random = new Random(seed);
    while (!killed.get()) {
      String pkg;
      try {
        Http.Response created = http.postJson("/v1/packages",
            "{\"producer\":\"crash-test\",\"subject\":\"load\"}");
        if (created.status() != 201) {
          unexpected.add("create: " + created.status() + " " + created.text());
          continue;
        }
        pkg = created.json().getString("id");
      } catch (RuntimeException serverGone) {
        return;
      }
      int files = 2 + random.nextInt(3);
      for (int f = 0; f < files; f++) {
        byte[] body = new byte[SIZES[random.nextInt(SIZES.length)]];
        new Random(f % 4 == 3 ? 42 : random.nextLong()).nextBytes(body);
        String path = "f" + f + ".bin";
        byte[] digest = sha256(body);
        int status;
        try {
          status = http.put("/v1/packages/" + pkg + "/files/" + path, body,
              "Content-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(digest) + ":")
              .status();
        } catch (RuntimeException serverGone) {
          status = 0;
        }
        sent.add(new Upload(pkg, path, HexFormat.of().formatHex(digest), status == 201));
        if (status == 0) {
          return;
        }
        if (status != 201) {
          unexpected.add("upload: " + status);
          break;
        }
        acknowledged.countDown();
      }
      if (!sent.get(sent.size() - 1).acknowledged()) {
        continue;
      }
      int status;
      try {
        status = http.postJson("/v1/packages/" + pkg + "/finalize", "{}").status();
      } catch (RuntimeException serverGone) {
        status = 0;
      }
      finalized.add(new Finalize(pkg, status == 200));
      if (status == 0) {
        return;
      }
      if (status != 200) {
        unexpected.add("finalize: " + status);
      }
    }
  }

  /**
   * Every acknowledged upload reads back with its digest; one in flight at the kill is absent
   * or whole. Returns how many of those were whole.
   */
  private static int checkUploads(Http http, List<Upload> uploads) {
    int visible = 0;
    for (Upload u : uploads) {
      Http.Response r = http.get("/v1/packages/" + u.pkg() + "/files/" + u.path());
      if (u.acknowledged()) {
        assertEquals(200, r.status(), u + ": " + r.text());
        assertEquals(u.sha256(), HexFormat.of().formatHex(sha256(r.body())), u.toString());
      } else if (r.status() == 200) {
        assertEquals(u.sha256(), HexFormat.of().formatHex(sha256(r.body())),
            "an unacknowledged upload is visible only whole: " + u);
        visible++;
      } else {
        assertEquals(404, r.status(), u + ": " + r.text());
        assertEquals("file_not_found", r.errorCode());
      }
    }
    return visible;
  }

  /**
   * An acknowledged finalize stands with every file; one in flight at the kill has either
   * happened or not.
   */
  private static void checkFinalizes(Http http, List<Finalize> finalizes, List<Upload> uploads) {
    for (Finalize f : finalizes) {
      JsonObject pkg = http.get("/v1/packages/" + f.pkg()).json();
      String status = pkg.getString("status");
      if (f.acknowledged()) {
        assertEquals("finalized", status, pkg.encode());
      } else {
        assertTrue(List.of("finalized", "uploading", "created").contains(status), pkg.encode());
      }
      if ("finalized".equals(status)) {
        JsonObject manifest = http.get("/v1/packages/" + f.pkg() + "/manifest").json();
        JsonArray files = manifest.getJsonArray("files");
        long expected = uploads.stream().filter(u -> u.pkg().equals(f.pkg())).count();
        assertEquals(expected, files.size(), manifest.encode());
      }
    }
  }

  /**
   * The server's own reconciliation (grace period 2 s, every second) leaves the store clean:
   * waits, up to a minute, for a report with nothing unrecorded even within the grace period.
   */
  private static void awaitReconciled(Http http, ServerProcess server) throws Exception {
    JsonObject[] last = {null};
    Await.until("the integrity check to find the store clean", Duration.ofMinutes(1), () -> {
          Http.Response r = http.send("POST", "/v1/admin/fsck",
              java.net.http.HttpRequest.BodyPublishers.noBody());
          if (r.status() != 200) {
            assertEquals("integrity_check_running", r.errorCode(), r.text());
            return false;
          }
          last[0] = r.json();
          JsonObject local = last[0].getJsonObject("backends").getJsonObject("local");
          return last[0].getBoolean("clean") && local.getLong("recent_unrecorded") == 0
              && local.getLong("temporaries_in_flight") == 0;
        }, () -> "Last report: " + last[0] + "\n" + server.log());
    JsonObject report = last[0];
    JsonObject local = report.getJsonObject("backends").getJsonObject("local");
    assertEquals(0, report.getLong("content_missing"), report.encode());
    assertEquals(0, local.getJsonObject("missing").getLong("count"), report.encode());
    assertEquals(0, local.getJsonObject("mismatched").getLong("count"), report.encode());
  }

  private static long temporaries(Path blobs) throws Exception {
    Path uploads = blobs.resolve("_uploads");
    if (!Files.exists(uploads)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(uploads)) {
      return s.count();
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
