package io.artifactstore.security;

import static io.artifactstore.support.Processes.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.MutableClock;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed download links on a server that lets no anonymous caller in: fetched with curl (whole
 * and ranged) and aria2c (four connections, each a range), refused when expired or altered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DownloadLinksTest {

  final MutableClock clock = new MutableClock();
  Path dir;
  TestServer server;
  Http http;
  String reader;
  String pkg;
  byte[] content;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    server = TestServer.start(TestDatabases.Kind.SQLITE, dir,
        json -> json.getJsonObject("security").put("anonymous", "none"), clock);
    http = new Http(server.baseUrl());
    String admin = server.token("a", "admin");
    reader = server.token("r", "reader");
    pkg = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}",
        "Authorization", "Bearer " + admin).json().getString("id");
    content = new byte[5 * 1024 * 1024 + 123];
    new Random(7).nextBytes(content);
    assertEquals(201, http.put("/v1/packages/" + pkg + "/files/reports/big%20file.bin", content,
        "Authorization", "Bearer " + admin).status());
    assertEquals(201, http.put("/v1/packages/" + pkg + "/files/other.txt", "other".getBytes(),
        "Authorization", "Bearer " + admin).status());
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  JsonObject link(String path, String expiresIn) {
    JsonObject body = new JsonObject().put("path", path);
    if (expiresIn != null) {
      body.put("expires_in", expiresIn);
    }
    Http.Response r = http.postJson("/v1/packages/" + pkg + "/links", body.encode(),
        "Authorization", "Bearer " + reader);
    assertEquals(201, r.status(), r.text());
    return r.json();
  }

  /** curl's status code for {@code url}, the body written to {@code out}. */
  static int curl(Path cwd, String url, Path out, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-o", out.toString(), "-w",
        "%{http_code}"));
    cmd.addAll(List.of(extra));
    cmd.add(url);
    String[] r = run(cwd, cmd.toArray(String[]::new));
    assertEquals("0", r[0], r[1]);
    return Integer.parseInt(r[1].trim());
  }

  @Test
  @DisplayName("a link serves its file to curl without credentials, whole, ranged and HEAD; "
      + "aria2c fetches it over four ranged connections")
  void linkServesTheFile() throws Exception {
    JsonObject link = link("reports/big file.bin", "PT10M");
    String url = link.getString("url");
    assertTrue(url.contains("/files/reports/big%20file.bin?expires="), url);
    Path whole = dir.resolve("whole.bin");
    assertEquals(200, curl(dir, url, whole));
    assertArrayEquals(content, Files.readAllBytes(whole));
    Path part = dir.resolve("part.bin");
    assertEquals(206, curl(dir, url, part, "-r", "1000-1999"));
    assertArrayEquals(Arrays.copyOfRange(content, 1000, 2000), Files.readAllBytes(part));
    assertEquals(200, curl(dir, url, dir.resolve("head.txt"), "-I"));

    Path aria = Files.createDirectories(dir.resolve("aria"));
    String[] r = run(aria, "aria2c", "-q", "-x4", "-s4", "-k1M", "--allow-overwrite=true",
        "-o", "big.bin", url);
    assertEquals("0", r[0], r[1]);
    assertArrayEquals(content, Files.readAllBytes(aria.resolve("big.bin")));
    // Without the link, the same URL needs credentials.
    assertEquals(401, http.get(url.substring(url.indexOf("/v1/"), url.indexOf('?'))).status());
  }

  @Test
  @DisplayName("an altered link (signature, expiry, key, path) or one used for a write is 403 "
      + "link_invalid; an expired one too")
  void alteredOrExpiredRefused() throws Exception {
    String url = link("other.txt", "PT5M").getString("url");
    String sig = url.substring(url.indexOf("signature=") + 10);
    String flipped = url.replace("signature=" + sig, "signature="
        + (sig.charAt(0) == 'A' ? 'B' : 'A') + sig.substring(1));
    String later = url.replaceAll("expires=(\\d+)", "expires=9999999999");
    String otherKey = url.replaceAll("key=[^&]+", "key=nokey");
    String otherPath = url.replace("/files/other.txt?", "/files/reports/big%20file.bin?");
    Path out = dir.resolve("denied.json");
    for (String bad : List.of(flipped, later, otherKey, otherPath)) {
      assertEquals(403, curl(dir, bad, out), bad);
      assertTrue(Files.readString(out).contains("link_invalid"), Files.readString(out));
    }
    assertEquals(403, curl(dir, url, out, "-X", "PUT", "--data-binary", "x"));
    assertEquals(200, curl(dir, url, out));
    clock.advance(Duration.ofMinutes(6));
    assertEquals(403, curl(dir, url, out), "expired");
  }

  @Test
  @DisplayName("links: only for files that exist, within link_max_ttl, for callers who may read")
  void creatingLinks() {
    Http.Response missing = http.postJson("/v1/packages/" + pkg + "/links",
        "{\"path\":\"nope.txt\"}", "Authorization", "Bearer " + reader);
    assertEquals(404, missing.status(), missing.text());
    Http.Response tooLong = http.postJson("/v1/packages/" + pkg + "/links",
        "{\"path\":\"other.txt\",\"expires_in\":\"P30D\"}", "Authorization", "Bearer " + reader);
    assertEquals(400, tooLong.status(), tooLong.text());
    Http.Response anonymous = http.postJson("/v1/packages/" + pkg + "/links",
        "{\"path\":\"other.txt\"}");
    assertEquals(401, anonymous.status(), anonymous.text());
    JsonObject ok = link("other.txt", null);
    assertTrue(ok.getString("expires_at").endsWith("Z"), ok.encode());
    // The key file the server created is its user's alone.
    try {
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dir.resolve("link-keys"))));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
