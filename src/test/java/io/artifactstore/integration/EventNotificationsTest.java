package io.artifactstore.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Await;
import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications of the event log on the bus ({@code artifactstore.v1.events}) and the catch-up
 * of a consumer that missed some ({@code artifactstore.v1.events.since}), on a real server.
 */
class EventNotificationsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  TestServer server;
  Http http;
  final List<EventNotification> seen = new CopyOnWriteArrayList<>();
  MessageConsumer<JsonObject> consumer;

  @BeforeEach
  void start(@TempDir Path dir) {
    server = TestServer.start(TestDatabases.Kind.SQLITE, dir);
    http = new Http(server.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void subscribe() {
    consumer = server.vertx().eventBus().consumer(BusApi.EVENTS,
        m -> seen.add(EventNotification.fromJson(m.body())));
    consumer.completion().await();
  }

  private String createPackage(String subject) {
    Http.Response r = http.postJson("/v1/packages",
        "{\"producer\":\"reports\",\"subject\":\"" + subject + "\"}");
    assertEquals(201, r.status(), r.text());
    return r.json().getString("id");
  }

  private JsonObject since(long after, int limit) {
    return server.vertx().eventBus().<JsonObject>request(BusApi.EVENTS_SINCE,
        new EventsSince(after, limit).toJson()).await().body();
  }

  private List<EventNotification> of(JsonObject page) {
    List<EventNotification> out = new ArrayList<>();
    page.getJsonArray("events").forEach(e -> out.add(EventNotification.fromJson((JsonObject) e)));
    return out;
  }

  @Test
  @DisplayName("create, add, finalize and hold are each published once, in log order, as references")
  void lifecycleIsPublishedInOrder() throws Exception {
    subscribe();
    String id = createPackage("nightly");
    byte[] report = "<html>report</html>".getBytes(StandardCharsets.UTF_8);
    assertEquals(201, http.put("/v1/packages/" + id + "/files/report.html", report,
        "Content-Type", "text/html").status());
    assertEquals(200, http.postJson("/v1/packages/" + id + "/finalize", "").status());
    assertEquals(201, http.postJson("/v1/packages/" + id + "/holds",
        "{\"reason\":\"audit\"}").status());

    Await.until("the hold's notification", DEADLINE,
        () -> seen.stream().anyMatch(n -> n.type().equals("hold.placed")), seen::toString);
    List<String> types = seen.stream().filter(n -> id.equals(n.packageId()))
        .map(EventNotification::type).toList();
    assertEquals(List.of("package.created", "file.added", "package.finalized", "hold.placed"),
        types);
    for (int i = 1; i < seen.size(); i++) {
      assertEquals(seen.get(i - 1).seq() + 1, seen.get(i).seq(), "no gap, no repeat: " + seen);
    }
    EventNotification added = seen.stream().filter(n -> n.type().equals("file.added"))
        .findFirst().orElseThrow();
    assertEquals("report.html", added.data().getString("path"), added.toString());
    assertTrue(added.data().encode().length() < 2000, "references, not bytes: " + added.data());
  }

  @Test
  @DisplayName("a consumer that was away catches up from the log: nothing missed, nothing twice")
  void consumerCatchesUp() throws Exception {
    subscribe();
    createPackage("before");
    Await.until("the first notification", DEADLINE, () -> !seen.isEmpty());
    long lastSeen = seen.get(seen.size() - 1).seq();
    consumer.unregister().await();

    List<String> missed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      missed.add(createPackage("while-away-" + i));
    }
    int seenWhileAway = seen.size();
    subscribe();
    String after = createPackage("after");
    Await.until("the notification after resubscribing", DEADLINE,
        () -> seen.stream().anyMatch(n -> after.equals(n.subjectId())));

    // Catch up in pages of 2 from the last sequence seen, then merge with what arrived live.
    List<EventNotification> caughtUp = new ArrayList<>();
    long cursor = lastSeen;
    JsonObject page;
    do {
      page = since(cursor, 2);
      caughtUp.addAll(of(page));
      cursor = page.getLong("next_after");
    } while (!page.getJsonArray("events").isEmpty());
    assertEquals(page.getLong("head"), cursor, "read to the head of the log");

    List<Long> all = new ArrayList<>();
    seen.subList(0, seenWhileAway).forEach(n -> all.add(n.seq()));
    caughtUp.forEach(n -> {
      if (!all.contains(n.seq())) {
        all.add(n.seq());
      }
    });
    List<Long> expected = new ArrayList<>();
    for (long s = seen.get(0).seq(); s <= cursor; s++) {
      expected.add(s);
    }
    assertEquals(expected, all, "every event exactly once, in order");
    List<String> createdWhileAway = caughtUp.stream()
        .filter(n -> n.type().equals("package.created")).map(EventNotification::subjectId)
        .filter(missed::contains).toList();
    assertEquals(missed, createdWhileAway);
  }

  @Test
  @DisplayName("events.since refuses a message that is not its record, with the API's error code")
  void badRequestsAreCoded() {
    ReplyException notJson = assertInstanceOf(ReplyException.class, assertThrowsAsync(
        () -> server.vertx().eventBus().request(BusApi.EVENTS_SINCE, "hello").await()));
    assertEquals(400, notJson.failureCode());
    assertEquals("invalid_request", code(notJson));

    ReplyException badLimit = assertInstanceOf(ReplyException.class, assertThrowsAsync(
        () -> server.vertx().eventBus().request(BusApi.EVENTS_SINCE,
            new JsonObject().put("after", 0).put("limit", 5000)).await()));
    assertEquals(400, badLimit.failureCode());
    assertEquals("invalid_parameter", code(badLimit));

    ReplyException wrongType = assertInstanceOf(ReplyException.class, assertThrowsAsync(
        () -> server.vertx().eventBus().request(BusApi.EVENTS_SINCE,
            new JsonObject().put("after", "zero")).await()));
    assertEquals("invalid_request", code(wrongType));

    JsonObject empty = since(1_000_000, 10);
    assertEquals(new JsonArray(), empty.getJsonArray("events"));
    assertEquals(1_000_000L, empty.getLong("next_after"));
  }

  @Test
  @DisplayName("token events are notified without their payload")
  void tokenPayloadsStayOut() throws Exception {
    subscribe();
    server.token("ci", "producer");
    Await.until("the token's notification", DEADLINE,
        () -> seen.stream().anyMatch(n -> n.type().equals("token.created")));
    EventNotification token = seen.stream().filter(n -> n.type().equals("token.created"))
        .findFirst().orElseThrow();
    assertNull(token.data());
    assertNull(token.packageId());
  }

  /** The API error code a reply failure carries: {@code {"error": {"code", "message"}}}. */
  private static String code(ReplyException e) {
    return new JsonObject(e.getMessage()).getJsonObject("error").getString("code");
  }

  private static Throwable assertThrowsAsync(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }
}
