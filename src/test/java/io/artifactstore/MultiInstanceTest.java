package io.artifactstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.integration.BusApi;
import io.artifactstore.support.Await;
import io.artifactstore.support.BalancedServers;
import io.artifactstore.support.BridgeFrames;
import io.artifactstore.support.Http;
import io.artifactstore.support.TestS3;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes on one PostgreSQL database and one S3 bucket, with Debian's nginx
 * balancing between them (docs/deployment.md): what one does, the other serves at once;
 * notifications reach consumers of both; a crash or a rolling restart loses nothing that was
 * acknowledged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiInstanceTest {

  Path dir;

  BalancedServers servers;
  Http balanced;

  @BeforeAll
  void start(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    servers = BalancedServers.start(dir, json -> {
      json.put("retention", new JsonObject()
          .put("classes", new JsonObject().put("short", "PT1S")));
      // Only the announcements of commits tell a server about the other's events.
      json.getJsonObject("integration").put("events_poll_interval", "PT1H");
    });
    balanced = new Http(servers.nginx().baseUrl());
  }

  @AfterAll
  void stop() throws Exception {
    if (servers != null) {
      servers.close();
    }
  }

  Http direct(int i) {
    return new Http(servers.server(i).baseUrl());
  }

  static String create(Http http, String retentionClass) {
    Http.Response r = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"s\","
        + "\"retention_class\":\"" + retentionClass + "\"}");
    assertEquals(201, r.status(), r.text());
    return r.json().getString("id");
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  @DisplayName("a file uploaded through one server is read through the other at once, before and after finalize")
  void uploadHereReadThere() throws Exception {
    String id = create(direct(0), "raw-evidence");
    byte[] big = random(12 * 1024 * 1024 + 5, 1);  // multipart in the bucket
    assertEquals(201, direct(0).put("/v1/packages/" + id + "/files/big.bin", big).status());
    assertArrayEquals(big, direct(1).get("/v1/packages/" + id + "/files/big.bin").body());
    assertEquals(200, direct(0).postJson("/v1/packages/" + id + "/finalize", "{}").status());
    Http.Response there = direct(1).get("/v1/packages/" + id + "/files/big.bin",
        "Range", "bytes=100-199");
    assertEquals(206, there.status());
    assertArrayEquals(java.util.Arrays.copyOfRange(big, 100, 200), there.body());
    assertEquals("finalized", direct(1).get("/v1/packages/" + id).json().getString("status"));
  }

  @Test
  @DisplayName("a deletion through one server is 410 through the other at once, although it had the file cached")
  void deleteHereGoneThere() throws Exception {
    byte[] content = random(100_000, 2);
    String id = create(direct(0), "short");
    assertEquals(201, direct(0).put("/v1/packages/" + id + "/files/f.bin", content).status());
    assertEquals(200, direct(0).postJson("/v1/packages/" + id + "/finalize", "{}").status());
    // The same bytes stay in another package: only a stale cache entry could still serve them.
    String keeper = create(direct(0), "permanent-record");
    assertEquals(201, direct(0).put("/v1/packages/" + keeper + "/files/f.bin", content).status());
    for (int i = 0; i < 2; i++) {
      assertEquals(200, direct(1).get("/v1/packages/" + id + "/files/f.bin").status());
    }
    Await.until("the short retention expired and the deletion through server 0 succeeded",
        Duration.ofSeconds(30), () -> direct(0).send("DELETE", "/v1/packages/" + id,
            HttpRequest.BodyPublishers.noBody()).status() == 200);
    Http.Response gone = direct(1).get("/v1/packages/" + id + "/files/f.bin");
    assertEquals(410, gone.status(), gone.text());
    assertEquals("package_deleted", gone.errorCode());
  }

  @Test
  @DisplayName("a burst of 1,000 events reaches a consumer on each server, complete, in order, each once; catching up gives the same answer on both")
  void notificationBurst() throws Exception {
    try (BridgeFrames first = new BridgeFrames(servers.bridgePort(0));
        BridgeFrames second = new BridgeFrames(servers.bridgePort(1))) {
      List<BridgeFrames> consumers = List.of(first, second);
      for (BridgeFrames c : consumers) {
        c.register(null);
      }
      // A marker each consumer must see first: from then on it receives everything.
      Map<BridgeFrames, Long> start = new ConcurrentHashMap<>();
      Await.until("both consumers receive notifications", Duration.ofSeconds(60), () -> {
        String marker = create(balanced, "raw-evidence");
        for (BridgeFrames c : consumers) {
          if (!start.containsKey(c)) {
            long seq = seqOf(c, marker);
            start.put(c, seq);
          }
        }
        return start.size() == 2;
      });
      int burst = 1000;
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<String>> ids = new ArrayList<>();
      for (int i = 0; i < burst; i++) {
        ids.add(pool.submit(() -> create(balanced, "raw-evidence")));
      }
      List<String> created = new ArrayList<>();
      for (Future<String> f : ids) {
        created.add(f.get(5, TimeUnit.MINUTES));
      }
      pool.shutdown();
      JsonObject page = balanced.get("/v1/events?limit=1&after=0").json();
      for (BridgeFrames c : consumers) {
        java.util.Set<String> missing = new java.util.HashSet<>(created);
        long previous = start.get(c);
        while (!missing.isEmpty()) {
          JsonObject frame = c.next();
          assertEquals(BusApi.EVENTS, frame.getString("address"), frame.encode());
          JsonObject event = frame.getJsonObject("body");
          assertEquals(previous + 1, event.getLong("seq"), "in log order, none missed or twice");
          previous = event.getLong("seq");
          if ("package.created".equals(event.getString("type"))) {
            missing.remove(event.getString("package_id"));
          }
        }
      }
      assertTrue(page.containsKey("items"));
      // Catching up (events.since) from before the burst: the same events on both servers.
      long from = start.get(first);
      List<JsonObject> answers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        try (BridgeFrames client = new BridgeFrames(servers.bridgePort(i))) {
          JsonObject reply = client.request(BusApi.EVENTS_SINCE,
              new JsonObject().put("after", from).put("limit", 1000));
          assertEquals("message", reply.getString("type"), reply.encode());
          answers.add(reply.getJsonObject("body"));
        }
      }
      assertEquals(1000, answers.get(0).getJsonArray("events").size());
      assertEquals(answers.get(0).getJsonArray("events"), answers.get(1).getJsonArray("events"));
    }
  }

  /** Reads notifications until the creation of {@code pkg}; its sequence number. */
  static long seqOf(BridgeFrames c, String pkg) throws Exception {
    while (true) {
      JsonObject frame = c.next();
      JsonObject body = frame.getJsonObject("body");
      if (body != null && pkg.equals(body.getString("package_id"))
          && "package.created".equals(body.getString("type"))) {
        return body.getLong("seq");
      }
    }
  }

  @Test
  @DisplayName("kill -9 of one server mid-upload: the other serves everything acknowledged; the collector reports, then removes, the dead upload's parts")
  void crashMidUpload() throws Exception {
    String id = create(balanced, "raw-evidence");
    Map<String, byte[]> acknowledged = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      byte[] content = random(300_000 + i, 10 + i);
      Http.Response put = balanced.put("/v1/packages/" + id + "/files/f" + i, content);
      assertEquals(201, put.status(), put.text());
      acknowledged.put("f" + i, content);
    }
    // An upload of 12 MiB through server 1, half sent: a multipart upload is open in the bucket.
    byte[] body = random(12 * 1024 * 1024, 99);
    int pendingBefore = TestS3.get().pendingUploads(servers.bucket()).size();
    try (Socket s = new Socket("127.0.0.1", servers.server(1).port())) {
      OutputStream out = s.getOutputStream();
      out.write(("PUT /v1/packages/" + id + "/files/cut HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body, 0, 7 * 1024 * 1024);
      out.flush();
      Await.until("server 1 has a multipart upload open", Duration.ofSeconds(60),
          () -> TestS3.get().pendingUploads(servers.bucket()).size() > pendingBefore);
      servers.server(1).kill();
      servers.server(1).awaitExit(60);
    }
    for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
      Http.Response r = balanced.get("/v1/packages/" + id + "/files/" + e.getKey());
      assertEquals(200, r.status(), r.text());
      assertArrayEquals(e.getValue(), r.body());
    }
    assertEquals(404, balanced.get("/v1/packages/" + id + "/files/cut").status());
    assertEquals(200, balanced.postJson("/v1/packages/" + id + "/finalize", "{}").status());

    // The collector: a dry run reports the dead upload's parts, a repair removes them.
    JsonObject report = balanced.postJson("/v1/admin/fsck?grace=PT0S", "{}").json();
    JsonObject s3 = report.getJsonObject("backends").getJsonObject("s3");
    assertTrue(s3.getJsonObject("temporaries").getLong("count") >= 1, report.encode());
    assertTrue(TestS3.get().pendingUploads(servers.bucket()).size() > pendingBefore);
    JsonObject repaired = balanced.postJson("/v1/admin/fsck?repair=true&grace=PT0S", "{}").json();
    assertTrue(repaired.getJsonObject("backends").getJsonObject("s3")
        .getJsonObject("temporaries").getLong("repaired") >= 1, repaired.encode());
    assertEquals(0, TestS3.get().pendingUploads(servers.bucket()).size());
    servers.restart(1);
  }

  @Test
  @DisplayName("rolling restart behind nginx: each server in turn gets SIGTERM and comes back; a retrying client sees no failure")
  void rollingRestart() throws Exception {
    String id = create(balanced, "raw-evidence");
    byte[] content = random(200_000, 7);
    assertEquals(201, balanced.put("/v1/packages/" + id + "/files/seed", content).status());
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger requests = new AtomicInteger();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, byte[]> written = new ConcurrentHashMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<?>> loops = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      loops.add(clients.submit(() -> {
        int n = 0;
        while (running.get()) {
          n++;
          try {
            if (n % 3 == 0) {
              String path = "w-" + thread + "-" + n;
              byte[] bytes = random(50_000, thread * 100_000L + n);
              Http.Response r = retrying(() -> balanced.put(
                  "/v1/packages/" + id + "/files/" + path, bytes));
              if (r.status() != 201) {
                failures.add("PUT " + path + ": " + r.status() + " " + r.text());
              } else {
                written.put(path, bytes);
              }
            } else {
              Http.Response r = retrying(() -> balanced.get(
                  "/v1/packages/" + id + "/files/seed"));
              if (r.status() != 200 || !java.util.Arrays.equals(content, r.body())) {
                failures.add("GET: " + r.status());
              }
            }
            requests.incrementAndGet();
          } catch (Exception e) {
            failures.add(e.toString());
          }
        }
      }));
    }
    for (int i = 0; i < 2; i++) {
      int before = requests.get();
      Await.until("clients are running", Duration.ofSeconds(60), () -> requests.get() > before + 20);
      servers.server(i).terminate();
      assertEquals(0, servers.server(i).awaitExit(120), servers.server(i).log());
      int during = requests.get();
      Await.until("clients went on while server " + i + " was down", Duration.ofSeconds(60),
          () -> requests.get() > during + 20);
      servers.restart(i);
    }
    int after = requests.get();
    Await.until("clients went on after the restarts", Duration.ofSeconds(60),
        () -> requests.get() > after + 20);
    running.set(false);
    for (Future<?> loop : loops) {
      loop.get(2, TimeUnit.MINUTES);
    }
    clients.shutdown();
    assertEquals(List.of(), failures);
    for (Map.Entry<String, byte[]> e : written.entrySet()) {
      assertArrayEquals(e.getValue(),
          balanced.get("/v1/packages/" + id + "/files/" + e.getKey()).body(), e.getKey());
    }
    assertTrue(written.size() > 5, "uploads were made: " + written.size());
  }

  /**
   * What a retry-safe client does with an idempotent request: again while nginx answers
   * 502/503/504 or the connection fails, until an answer comes or 30 s have passed (the failed
   * attempts, and the last one's error, are in the failure).
   */
  static Http.Response retrying(java.util.concurrent.Callable<Http.Response> request)
      throws Exception {
    java.util.concurrent.atomic.AtomicReference<Http.Response> answer =
        new java.util.concurrent.atomic.AtomicReference<>();
    List<String> attempts = new ArrayList<>();
    Await.until("an answer other than 502-504", Duration.ofSeconds(30), () -> {
      try {
        Http.Response r = request.call();
        if (r.status() < 502 || r.status() > 504) {
          answer.set(r);
          return true;
        }
        attempts.add(r.status() + " " + r.text());
      } catch (RuntimeException e) {
        attempts.add(e.toString());
      }
      return false;
    }, attempts::toString);
    return answer.get();
  }
}
