package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.hashing.Blake3Kernels;
import io.artifactstore.support.Http;
import io.artifactstore.support.LogCapture;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metrics that stay true when clients misbehave, labelled with route templates only. */
class ObservabilityTest {

  static final Pattern SAMPLE = Pattern.compile("^(\\w+)(\\{[^}]*})? (\\S+)$");

  /** The value of the sample {@code name{labels}} (labels exactly as printed), or 0. */
  static double value(String metrics, String nameAndLabels) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(nameAndLabels + " ")) {
        return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim());
      }
    }
    return 0;
  }

  @Test
  @DisplayName("the BLAKE3 kernel chosen at startup is named in the log, /health and a metric")
  void kernelIsShown(@TempDir Path dir) throws Exception {
    Blake3Kernels.Choice kernel = Blake3Kernels.selected();
    try (LogCapture log = LogCapture.start();
        TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir)) {
      Http http = new Http(server.baseUrl());
      JsonObject hashing = http.get("/health").json().getJsonObject("hashing");
      assertEquals(kernel.name(), hashing.getString("blake3_kernel"));
      assertEquals(kernel.lanes(), hashing.getInteger("lanes"));
      assertEquals(Runtime.version().feature(), hashing.getInteger("jdk"));
      String m = http.get("/metrics").text();
      assertEquals(1, value(m, "artifactstore_blake3_kernel{jdk=\"" + Runtime.version().feature()
          + "\",kernel=\"" + kernel.name() + "\",lanes=\"" + kernel.lanes() + "\"}"), m);
      assertTrue(log.messages().contains("BLAKE3 kernel: " + kernel.name() + " ("
          + kernel.reason() + ")"), String.join("\n", log.messages()));
    }
  }

  @Test
  @DisplayName("abandoned downloads and uploads: in-flight gauges come back to zero, counted as aborted, nothing logged as a fault")
  void abandonedTransfers(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir);
        LogCapture log = LogCapture.start()) {
      Http http = new Http(server.baseUrl());
      String id = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
          .getString("id");
      assertEquals(201, http.put("/v1/packages/" + id + "/files/big", new byte[20_000_000])
          .status());
      for (int i = 0; i < 5; i++) {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
          s.getOutputStream().write(("GET /v1/packages/" + id + "/files/big HTTP/1.1\r\n"
              + "Host: localhost\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
          s.getInputStream().readNBytes(100_000);
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {
          s.getOutputStream().write(("PUT /v1/packages/" + id + "/files/cut" + i + " HTTP/1.1\r\n"
              + "Host: localhost\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
          s.getInputStream().readNBytes(25);
          s.getOutputStream().write(new byte[1000]);
        }
      }
      // Wait for the server to have seen every abandonment (the count of aborted downloads).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String m = http.get("/metrics").text();
      while ((value(m, "artifactstore_downloads_aborted_total") < 5
          || value(m, "artifactstore_uploads_total{outcome=\"aborted\"}") < 5
          || value(m, "artifactstore_http_server_requests_active") > 1)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
        m = http.get("/metrics").text();
      }
      assertEquals(5, value(m, "artifactstore_downloads_aborted_total"), m);
      assertEquals(5, value(m, "artifactstore_uploads_total{outcome=\"aborted\"}"), m);
      assertEquals(1, value(m, "artifactstore_http_server_requests_active"),
          "only the scrape itself is in flight");
      assertEquals(0, value(m, "artifactstore_downloads_in_flight"));
      assertEquals(0, value(m, "artifactstore_uploads_in_flight"));
      assertTrue(value(m, "artifactstore_http_server_requests_seconds_count{method=\"GET\","
          + "route=\"/v1/packages/{id}/files/{path}\",status=\"aborted\"}") >= 5, m);
      assertEquals(List.of(), log.warningsOrStackTraces(), "a client going away is no fault");
    }
  }

  @Test
  @DisplayName("request latency is a histogram by method, route template and status; errors are counted by code")
  void latencyAndErrors(@TempDir Path dir) {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir)) {
      Http http = new Http(server.baseUrl());
      String id = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
          .getString("id");
      http.get("/v1/packages/" + id);
      http.get("/v1/packages/0190a0a0-0000-7000-8000-000000000000");
      http.get("/v1/packages/" + id + "/files/a/b/c.txt");
      http.get("/nowhere/" + id);
      String m = http.get("/metrics").text();
      assertTrue(m.contains("artifactstore_http_server_requests_seconds_bucket{method=\"GET\","
          + "route=\"/v1/packages/{id}\",status=\"200\",le=\"0.005\"}"), m);
      assertTrue(value(m, "artifactstore_http_server_requests_seconds_count{method=\"GET\","
          + "route=\"/v1/packages/{id}\",status=\"404\"}") >= 1, m);
      assertTrue(value(m, "artifactstore_http_errors_total{code=\"package_not_found\"}") >= 1);
      assertTrue(value(m, "artifactstore_http_errors_total{code=\"file_not_found\"}") >= 1);
      Set<String> routes = new TreeSet<>();
      Matcher r = Pattern.compile("route=\"([^\"]*)\"").matcher(m);
      while (r.find()) {
        routes.add(r.group(1));
      }
      assertTrue(routes.contains("unmatched"), routes.toString());
      for (String route : routes) {
        assertTrue(route.equals("unmatched") || route.startsWith("/") && !route.contains(id)
            && !route.contains("a/b"), "a template, never a raw path: " + route);
      }
    }
  }
}
