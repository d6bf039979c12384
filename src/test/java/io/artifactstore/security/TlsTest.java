package io.artifactstore.security;

import static io.artifactstore.support.Processes.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.Main;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from PEM files, with a CA and a server certificate made here by openssl: curl speaks
 * HTTP/2 (ALPN) and HTTP/1.1 to it, uploads and ranged downloads work over both, and the CLI
 * trusts it with --cacert and refuses it without.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {

  Path dir;
  TestServer server;
  String base;

  static void ok(Path cwd, String... command) throws Exception {
    String[] r = run(cwd, command);
    assertEquals("0", r[0], List.of(command) + ": " + r[1]);
  }

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    ok(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
        "-out", "ca.pem", "-days", "2", "-subj", "/CN=artifact-store test CA");
    ok(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    ok(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-copy_extensions", "copy");
    server = TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("s"), json ->
        json.getJsonObject("http").put("tls", new JsonObject()
            .put("certificate_chain", dir.resolve("server.pem").toString())
            .put("private_key", dir.resolve("server.key").toString())));
    base = server.baseUrl();
    assertTrue(base.startsWith("https://127.0.0.1:"), base);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** curl with the test CA: {@code [exit, http version, status]} and the body in {@code out}. */
  String[] curl(Path out, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--cacert",
        dir.resolve("ca.pem").toString(), "-o", out.toString(), "-w",
        "%{http_version} %{http_code}"));
    cmd.addAll(List.of(args));
    String[] r = run(dir, cmd.toArray(String[]::new));
    String[] w = r[1].trim().split(" ");
    return new String[] {r[0], w[0], w.length > 1 ? w[1] : "", r[1]};
  }

  @Test
  @DisplayName("curl: HTTP/2 by ALPN and HTTP/1.1, an upload and a ranged download over each; "
      + "an untrusted certificate is refused by curl")
  void curlOverTls() throws Exception {
    Path out = dir.resolve("out");
    String[] created = curl(out, "--http2", "-H", "Content-Type: application/json", "-d",
        "{\"producer\":\"p\",\"subject\":\"tls\"}", base + "/v1/packages");
    assertEquals("0", created[0], created[3]);
    assertEquals("2", created[1], "HTTP/2 negotiated by ALPN");
    assertEquals("201", created[2]);
    String pkg = new JsonObject(Files.readString(out)).getString("id");
    // A browser's same-origin write over HTTP/2: its Origin is the https origin it was sent to
    // (the authority travels as :authority, not Host).
    String origin = base.substring(0, base.indexOf("/", "https://".length()) < 0 ? base.length()
        : base.indexOf("/", "https://".length()));
    String[] sameOrigin = curl(out, "--http2", "-H", "Origin: " + origin, "-H",
        "Content-Type: application/json", "-d", "{\"producer\":\"p\",\"subject\":\"o\"}",
        base + "/v1/packages");
    assertEquals("2 201", sameOrigin[1] + " " + sameOrigin[2], Files.readString(out));
    byte[] content = new byte[3 * 1024 * 1024];
    new Random(3).nextBytes(content);
    Path file = dir.resolve("content.bin");
    Files.write(file, content);
    String[] h2put = curl(out, "--http2", "-T", file.toString(),
        base + "/v1/packages/" + pkg + "/files/h2.bin");
    assertEquals("2 201", h2put[1] + " " + h2put[2], h2put[3]);
    String[] h1put = curl(out, "--http1.1", "-T", file.toString(),
        base + "/v1/packages/" + pkg + "/files/h1.bin");
    assertEquals("1.1 201", h1put[1] + " " + h1put[2], h1put[3]);
    for (String version : new String[] {"--http2", "--http1.1"}) {
      String[] ranged = curl(out, version, "-r", "100-1048675",
          base + "/v1/packages/" + pkg + "/files/h2.bin");
      assertEquals("206", ranged[2], version);
      assertArrayEquals(java.util.Arrays.copyOfRange(content, 100, 1048676),
          Files.readAllBytes(out), version);
    }
    String[] link = curl(out, "--http2", "-H", "Content-Type: application/json", "-d",
        "{\"path\":\"h2.bin\"}", base + "/v1/packages/" + pkg + "/links");
    assertEquals("201", link[2], Files.readString(out));
    String url = new JsonObject(Files.readString(out)).getString("url");
    assertTrue(url.startsWith(base + "/v1/packages/"), "a link made over HTTP/2: " + url);
    String[] viaLink = curl(out, "--http2", "-r", "0-9", url);
    assertEquals("206", viaLink[2]);
    String[] untrusted = run(dir, "curl", "-sS", "-o", "/dev/null", base + "/health/live");
    assertEquals("60", untrusted[0], "curl refuses a certificate it cannot verify: "
        + untrusted[1]);
  }

  @Test
  @DisplayName("the CLI trusts the server with --cacert, and without it fails with a message "
      + "that says so")
  void cliWithCacert() throws Exception {
    Files.createDirectories(dir.resolve("cli"));
    Files.writeString(dir.resolve("cli/a.txt"), "over tls");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute("push", dir.resolve("cli").toString(), "--producer", "p",
        "--server", base, "--cacert", dir.resolve("ca.pem").toString(), "--json",
        "--state-dir", dir.resolve("state").toString());
    assertEquals(0, code, err.toString());
    String pkg = new JsonObject(out.toString().trim()).getString("id");

    StringWriter err2 = new StringWriter();
    picocli.CommandLine plain = Main.commandLine();
    plain.setOut(new PrintWriter(new StringWriter(), true));
    plain.setErr(new PrintWriter(err2, true));
    int refused = plain.execute("show", pkg, "--server", base, "--retries", "0");
    assertEquals(1, refused, err2.toString());
    assertTrue(err2.toString().contains("--cacert"), err2.toString());
  }

  @Test
  @DisplayName("a CLI given an http:// address that redirects to https:// makes its TLS context"
      + " then, the JVM's default: it speaks TLS and refuses the test CA's server as untrusted")
  void redirectToHttps() throws Exception {
    HttpServer redirector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    redirector.createContext("/", exchange -> {
      exchange.getResponseHeaders().add("Location", base + exchange.getRequestURI());
      exchange.sendResponseHeaders(307, -1);
      exchange.close();
    });
    redirector.start();
    try {
      String plain = "http://127.0.0.1:" + redirector.getAddress().getPort();
      StringWriter err = new StringWriter();
      picocli.CommandLine cl = Main.commandLine();
      cl.setOut(new PrintWriter(new StringWriter(), true));
      cl.setErr(new PrintWriter(err, true));
      int code = cl.execute("ls", "--limit", "1", "--server", plain, "--retries", "0");
      assertEquals(1, code, err.toString());
      // The message of a certificate the client cannot verify, as for an https:// address.
      assertTrue(err.toString().contains("--cacert"), err.toString());
    } finally {
      redirector.stop(0);
    }
  }
}
