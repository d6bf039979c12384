package io.artifactstore.attestations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.artifactstore.support.Await;
import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attestation uploads being read share a memory budget: one that would overfill it is 503
 * {@code too_many_uploads} with {@code Retry-After}, before anything is read; the budget comes
 * back when an upload ends, however it ends.
 */
class AttestationBudgetTest {

  /** dataplane.AttestationUploads.BUDGET: with max_bytes at it, one upload fills it alone. */
  static final long BUDGET = 8L << 20;

  @Test
  @DisplayName("an upload that would overfill the budget is 503 too_many_uploads; once the one holding it goes away, uploads pass again")
  void budget(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir,
        json -> json.getJsonObject("attestations").put("max_bytes",
            BUDGET))) {
      Http http = new Http(server.baseUrl());
      URI base = URI.create(server.baseUrl());
      String small = "{\"_type\":\"small\"}";
      // A client that announces a document the size of the whole budget and sends a little.
      try (Socket slow = new Socket(base.getHost(), base.getPort())) {
        OutputStream out = slow.getOutputStream();
        out.write(("POST /upload HTTP/1.1\r\nHost: " + base.getAuthority()
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + BUDGET + "\r\n\r\n{\"pad\":\"").getBytes(
                StandardCharsets.US_ASCII));
        out.flush();
        Await.until("the slow upload holds the budget", Duration.ofSeconds(30), () -> {
          Http.Response r = upload(http, small);
          if (r.status() == 200) {
            return false; // not reserved yet: it was let through; try again
          }
          assertEquals(503, r.status(), r.text());
          assertEquals("too_many_uploads", r.errorCode());
          assertEquals("1", r.header("Retry-After"));
          return true;
        });
      }
      Await.until("the budget is back once the slow client went away", Duration.ofSeconds(30),
          () -> upload(http, small).status() == 200);
    }
  }

  private static Http.Response upload(Http http, String body) {
    return http.send("POST", "/upload", HttpRequest.BodyPublishers.ofString(body),
        "Content-Type", "application/json");
  }
}
