package io.artifactstore.attestations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.support.Processes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the scanner reads from documents fed in arbitrary chunks, and the gitoid. */
class DocumentScannerTest {

  /** Feeds {@code doc} in chunks of random sizes (1 byte up), as a socket would deliver it. */
  static ScannedDocument scan(String doc, long seed) {
    byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
    DocumentScanner scanner = new DocumentScanner(1 << 20);
    Random random = new Random(seed);
    for (int at = 0; at < bytes.length; ) {
      int n = Math.min(bytes.length - at, 1 + random.nextInt(7));
      scanner.feed(bytes, at, n);
      at += n;
    }
    return scanner.finish();
  }

  static final byte[] WITNESS = ArchivistaApiContract.witnessStatement("out/bin", "ef".repeat(32),
      "build");

  @Test
  @DisplayName("a DSSE envelope of a witness collection, fed a few bytes at a time, reads the same whatever the split")
  void dsseInChunks() {
    String envelope = new JsonObject().put("payloadType", "application/vnd.in-toto+json")
        .put("payload", Base64.getEncoder().encodeToString(WITNESS))
        .put("signatures", new JsonArray().add(new JsonObject().put("keyid", "k/#~1")
            .put("sig", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})))).encode();
    for (long seed = 0; seed < 20; seed++) {
      ScannedDocument d = scan(envelope, seed);
      assertEquals(ScannedDocument.Kind.DSSE, d.kind());
      assertArrayEquals(WITNESS, d.payload());
      assertEquals("k/#~1", d.signatures().get(0).keyid());
      assertArrayEquals(new byte[] {1, 2, 3}, d.signatures().get(0).sig());
      assertEquals("build", d.statement().collectionName());
      assertEquals(List.of("https://witness.dev/attestations/git/v0.1",
          "https://witness.dev/attestations/product/v0.1"), d.statement().attestationTypes());
      assertEquals(new ScannedDocument.Subject("out/bin", Map.of("sha256", "ef".repeat(32))),
          d.statement().subjects().get(0));
    }
  }

  @Test
  @DisplayName("a Sigstore bundle's dsseEnvelope is read as the envelope; a bare Statement and other JSON are told apart")
  void kinds() {
    String bundle = new JsonObject()
        .put("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json")
        .put("verificationMaterial", new JsonObject().put("publicKey", new JsonObject()
            .put("hint", "x")))
        .put("dsseEnvelope", new JsonObject().put("payloadType", "application/vnd.in-toto+json")
            .put("payload", Base64.getEncoder().encodeToString(WITNESS))
            .put("signatures", new JsonArray().add(new JsonObject().put("sig", "AQID"))))
        .encode();
    ScannedDocument b = scan(bundle, 1);
    assertEquals(ScannedDocument.Kind.SIGSTORE_BUNDLE, b.kind());
    assertEquals("", b.signatures().get(0).keyid());
    assertEquals("out/bin", b.statement().subjects().get(0).name());

    ScannedDocument bare = scan(new String(WITNESS, StandardCharsets.UTF_8), 2);
    assertEquals(ScannedDocument.Kind.STATEMENT, bare.kind());
    assertNull(bare.payload());

    ScannedDocument other = scan("[1, {\"_type\": \"not a statement\"}]", 3);
    assertEquals(ScannedDocument.Kind.OTHER, other.kind());
    assertEquals(ScannedDocument.Kind.OTHER, scan("\"just a string\"", 4).kind());
    // A key named like a path does not pose as a subject.
    ScannedDocument tricky = scan("{\"_type\":\"https://in-toto.io/Statement/v1\","
        + "\"subject/#/name\":\"forged\",\"subject\":[]}", 5);
    assertEquals(List.of(), tricky.statement().subjects());
  }

  @Test
  @DisplayName("deep documents of long names read in one pass; names over 1024 characters and more than 16 signatures are refused")
  void bounds() {
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      deep.append("{\"").append(String.valueOf((char) ('a' + i % 26)).repeat(1000))
          .append(i).append("\":");
    }
    deep.append("[").append("0,".repeat(20_000)).append("0]");
    deep.append("}".repeat(100));
    assertEquals(ScannedDocument.Kind.OTHER, scan(deep.toString(), 11).kind());
    ApiException longName = assertThrows(ApiException.class,
        () -> scan("{\"" + "n".repeat(1025) + "\": 1}", 12));
    assertEquals(ErrorCode.INVALID_JSON, longName.code());
    JsonArray sigs = new JsonArray();
    for (int i = 0; i < DocumentScanner.MAX_SIGNATURES + 1; i++) {
      sigs.add(new JsonObject().put("keyid", "k" + i).put("sig", "AQID"));
    }
    String envelope = new JsonObject().put("payloadType", "t").put("payload", "e30=")
        .put("signatures", sigs).encode();
    assertEquals(ErrorCode.INVALID_ENVELOPE,
        assertThrows(ApiException.class, () -> scan(envelope, 13)).code());
  }

  @Test
  @DisplayName("bytes that are not one JSON document are invalid_json, whatever the split")
  void notJson() {
    for (String bad : new String[] {"", "   ", "{", "{\"a\":1}}", "{} {}", "nul", "{\"a\":01}",
        "\u00ff"}) {
      ApiException e = assertThrows(ApiException.class, () -> scan(bad, 7), bad);
      assertEquals(ErrorCode.INVALID_JSON, e.code(), bad);
    }
  }

  @Test
  @DisplayName("the gitoid is git's own SHA-256 blob id (git hash-object in a sha256 repository)")
  void gitoidIsGits(@TempDir Path dir) throws Exception {
    byte[] bytes = new byte[70_000];
    new Random(9).nextBytes(bytes);
    Path file = Files.write(dir.resolve("blob"), bytes);
    assertEquals("0", Processes.run(dir, "git", "init", "-q", "--object-format=sha256",
        dir.resolve("repo").toString())[0]);
    String[] git = Processes.run(dir.resolve("repo"), "git", "hash-object", file.toString());
    assertEquals("0", git[0], git[1]);
    assertEquals(git[1].trim(), Gitoid.of(bytes));
    Gitoid g = new Gitoid(3);
    g.update(new byte[] {1, 2}, 0, 2);
    assertThrows(IllegalStateException.class, g::finish);
  }
}
