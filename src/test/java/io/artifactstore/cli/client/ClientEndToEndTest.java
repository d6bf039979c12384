package io.artifactstore.cli.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.cli.client.CliRunner.Run;
import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real client against a real server (SQLite, local blobs), in one JVM. */
class ClientEndToEndTest {

  @TempDir
  Path tmp;

  private TestServer server;
  private Http http;

  private void startServer() {
    startServer(json -> { });
  }

  private void startServer(java.util.function.Consumer<JsonObject> tweak) {
    server = TestServer.start(TestDatabases.Kind.SQLITE, tmp.resolve("server"), tweak);
    http = new Http(server.baseUrl());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Runs {@code artifact-store <args> --server <url>}. */
  private Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server");
    all.add(server.baseUrl());
    return raw(all.toArray(String[]::new));
  }

  private Run raw(String... args) {
    return CliRunner.run(args);
  }

  private Run ok(String... args) {
    Run r = cli(args);
    assertEquals(0, r.code(), "exit code of " + List.of(args) + "\n" + r.out() + r.err());
    return r;
  }

  private Path write(Path root, String rel, String content) throws Exception {
    return CliRunner.write(root, rel, content);
  }

  private Path randomFile(Path p, int size, long seed) throws Exception {
    return CliRunner.randomFile(p, size, seed);
  }

  private long ingestBytes() {
    String metrics = http.get("/metrics").text();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("artifactstore_ingest_bytes_total")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  /** Requests the server answered on {@code route} with {@code method} and {@code status}. */
  private long requests(String method, String route, int status) {
    String sample = "artifactstore_http_server_requests_seconds_count{method=\"" + method
        + "\",route=\"" + route + "\",status=\"" + status + "\"} ";
    for (String line : http.get("/metrics").text().split("\n")) {
      if (line.startsWith(sample)) {
        return (long) Double.parseDouble(line.substring(sample.length()).trim());
      }
    }
    return 0;
  }

  private JsonObject pkg(String id) {
    return http.get("/v1/packages/" + id).json();
  }

  private List<String> paths(JsonObject pkg) {
    List<String> out = new ArrayList<>();
    JsonArray files = pkg.getJsonArray("files");
    for (int i = 0; i < files.size(); i++) {
      out.add(files.getJsonObject(i).getString("path"));
    }
    return out;
  }

  @Test
  @DisplayName("push: include and exclude patterns, --meta and --meta-file, media types, finalized")
  void push() throws Exception {
    startServer();
    Path dir = tmp.resolve("out");
    write(dir, "summary.txt", "hello");
    write(dir, "report.html", "<html></html>");
    write(dir, "logs/run.log", "log line");
    write(dir, "logs/debug.tmp", "scratch");
    write(dir, "cache/x.txt", "cached");
    Path meta = write(tmp, "meta.json", "{\"branch\":\"main\",\"build\":42}");
    Run r = ok("push", dir.toString(), "--producer", "nightly-ci", "--subject", "build-7",
        "--include", "*.txt", "--include", "*.html", "--include", "logs/**",
        "--exclude", "*.tmp", "--exclude", "cache", "--meta-file", meta.toString(),
        "--meta", "branch=release", "--meta", "owner=qa", "--retention-class", "transient",
        "--json");
    JsonObject j = r.json();
    JsonObject p = pkg(j.getString("id"));
    assertEquals("finalized", p.getString("status"));
    assertEquals(j.getString("manifest_digest"), p.getString("manifest_digest"));
    assertEquals(List.of("logs/run.log", "report.html", "summary.txt"), paths(p));
    assertEquals(new JsonObject().put("branch", "release").put("build", 42).put("owner", "qa"),
        p.getJsonObject("metadata"));
    assertEquals("transient", p.getString("retention_class"));
    assertEquals("build-7", p.getString("subject"));
    assertEquals(3, j.getInteger("file_count"));
    JsonObject html = p.getJsonArray("files").getJsonObject(1);
    assertEquals("text/html", html.getString("media_type"));

    Run human = ok("push", dir.toString(), "--producer", "nightly-ci", "--exclude", "cache");
    assertTrue(human.out().contains("package ") && human.out().contains("manifest  sha256:"),
        human.out());
    assertEquals("out", pkg(human.out().lines().findFirst().orElseThrow().substring(10).trim())
        .getString("subject"), "the subject defaults to the directory's name");
  }

  @Test
  @DisplayName("deploy by checksum: content the server holds is added without sending a byte")
  void deployByChecksum() throws Exception {
    startServer();
    Path dir = tmp.resolve("big");
    randomFile(dir.resolve("a.bin"), 3 * 1024 * 1024, 1);
    randomFile(dir.resolve("b/c.bin"), 512 * 1024, 2);
    JsonObject first = ok("push", dir.toString(), "--producer", "p", "--json").json();
    assertEquals(3 * 1024 * 1024 + 512 * 1024, first.getLong("bytes_sent"));
    assertEquals(2, first.getInteger("files_uploaded"));
    long ingested = ingestBytes();
    // The 3 MiB file has a size no stored content had: sent at once, never offered by digest.
    // The 512 KiB one is below the size from which the question is asked: offered first.
    assertEquals(1, requests("POST", "/v1/packages/{id}/files/{path}", 404));
    assertEquals(1, requests("GET", "/v1/blobs", 200));

    JsonObject second = ok("push", dir.toString(), "--producer", "p", "--json").json();
    assertEquals(0, second.getLong("bytes_sent"));
    assertEquals(2, second.getInteger("files_by_digest"));
    assertEquals(ingested, ingestBytes(), "the server received no file bytes");
    JsonObject p = pkg(second.getString("id"));
    assertEquals("finalized", p.getString("status"));
    assertEquals(pkg(first.getString("id")).getJsonArray("files").getJsonObject(0)
        .getString("sha256"), p.getJsonArray("files").getJsonObject(0).getString("sha256"));
    assertEquals(0, cli("verify", second.getString("id")).code());
  }

  @Test
  @DisplayName("push: a file whose size stored content has, but not its first 64 KiB, is sent "
      + "at once; one whose head matches too is hashed and offered by digest first")
  void sameSizeOtherHead() throws Exception {
    startServer();
    int size = 2 * 1024 * 1024;
    Path first = tmp.resolve("first");
    byte[] stored = Files.readAllBytes(randomFile(first.resolve("a.bin"), size, 7));
    ok("push", first.toString(), "--producer", "p");
    assertEquals(0, requests("POST", "/v1/packages/{id}/files/{path}", 404));

    // Same size, another head: the server cannot hold it, so no offer by digest.
    Path other = tmp.resolve("other");
    randomFile(other.resolve("a.bin"), size, 8);
    JsonObject sent = ok("push", other.toString(), "--producer", "p", "--json").json();
    assertEquals(size, sent.getLong("bytes_sent"));
    assertEquals(0, requests("POST", "/v1/packages/{id}/files/{path}", 404),
        "a file the server cannot hold is not offered by digest");

    // Same size and head, another tail: the server may hold it; the offer is refused, then sent.
    Path sameHead = tmp.resolve("same-head");
    stored[size - 1] ^= 1;
    Files.createDirectories(sameHead);
    Files.write(sameHead.resolve("a.bin"), stored);
    JsonObject offered = ok("push", sameHead.toString(), "--producer", "p", "--json").json();
    assertEquals(size, offered.getLong("bytes_sent"));
    assertEquals(1, requests("POST", "/v1/packages/{id}/files/{path}", 404));
    assertEquals(3, requests("GET", "/v1/blobs", 200));
    assertEquals(0, cli("verify", offered.getString("id")).code());
  }

  private Path runFixture() throws Exception {
    Path run = tmp.resolve("run-2024-017");
    write(run, "reports/scorecard.html", "<h1>Scorecard</h1><p>42 pass, 2 fail</p>");
    write(run, "reports/log-review.md", "# Log review\n\nNo anomalies.\n");
    randomFile(run.resolve("raw/evidence/capture-001.bin"), 200_000, 3);
    write(run, "raw/tool-output.json", "{\"checks\": 44}");
    write(run, "run-summary.json", new JsonObject()
        .put("run_id", "run-2024-017")
        .put("target_profile", "web-frontend")
        .put("assessment_profile", "baseline-2024")
        .put("started_at", "2024-05-01T10:00:00Z")
        .put("evidence_results", new JsonObject().put("pass", 42).put("fail", 2)
            .put("not_applicable", 5))
        .put("findings", new JsonObject().put("critical", 0).put("high", 1).put("medium", 3))
        .put("source_commits", new JsonArray().add(new JsonObject()
            .put("repo", "git@example.org:web/frontend.git")
            .put("commit", "4f2a9c1e0b7d")))
        .put("reports", new JsonArray().add("reports/scorecard.html")
            .add("reports/log-review.md"))
        .encodePrettily());
    return run;
  }

  @Test
  @DisplayName("push-run: metadata from the run summary, checked through the API; reports "
      + "download; a missing or invalid summary is exit 2 and creates nothing")
  void pushRun() throws Exception {
    startServer();
    Path run = runFixture();
    JsonObject j = ok("push-run", run.toString(), "--json").json();
    assertEquals(List.of("file_count", "id", "manifest_digest", "total_bytes"),
        j.fieldNames().stream().filter(List.of("id", "manifest_digest", "file_count",
            "total_bytes")::contains).sorted().toList());
    assertEquals(5, j.getInteger("file_count"));
    JsonObject p = pkg(j.getString("id"));
    assertEquals("assessment-run", p.getString("producer"));
    assertEquals("run-2024-017", p.getString("subject"));
    JsonObject m = p.getJsonObject("metadata");
    assertEquals("run-2024-017", m.getString("run_id"));
    assertEquals("web-frontend", m.getString("target_profile"));
    assertEquals("baseline-2024", m.getString("assessment_profile"));
    assertEquals(42, m.getJsonObject("evidence_results").getInteger("pass"));
    assertEquals(1, m.getJsonObject("findings").getInteger("high"));
    assertEquals("4f2a9c1e0b7d", m.getJsonArray("source_commits").getJsonObject(0)
        .getString("commit"));
    assertEquals(new JsonArray().add("reports/scorecard.html").add("reports/log-review.md"),
        m.getJsonArray("reports"));
    assertEquals("run-summary.json", m.getString("run_summary"));

    Path got = tmp.resolve("dl/scorecard.html");
    Files.createDirectories(got.getParent());
    ok("get", j.getString("id"), "reports/scorecard.html", "-o", got.toString());
    assertArrayEquals(Files.readAllBytes(run.resolve("reports/scorecard.html")),
        Files.readAllBytes(got));

    Run human = ok("push-run", run.toString());
    assertTrue(human.out().startsWith("package   "), human.out());

    int before = http.get("/v1/packages?limit=1000").json().getJsonArray("items").size();
    Files.delete(run.resolve("run-summary.json"));
    Run missing = cli("push-run", run.toString());
    assertEquals(2, missing.code(), missing.err());
    assertTrue(missing.err().contains("no run summary"), missing.err());
    write(run, "run-summary.json", "{\"run_id\":\"r\",\"target_profile\":\"t\","
        + "\"assessment_profile\":\"a\",\"evidence_results\":{},\"findings\":[1],"
        + "\"source_commits\":[],\"reports\":[]}");
    Run invalid = cli("push-run", run.toString());
    assertEquals(2, invalid.code(), invalid.err());
    assertTrue(invalid.err().contains("findings"), invalid.err());
    write(run, "run-summary.json", "not json");
    assertEquals(2, cli("push-run", run.toString()).code());
    assertEquals(before, http.get("/v1/packages?limit=1000").json().getJsonArray("items")
        .size(), "nothing was created");
  }

  /** path → {bytes sha, mode, mtime millis}, plus "dir:" entries for empty folders. */
  private Map<String, String> tree(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = root.relativize(p).toString();
        if (rel.isEmpty() || rel.startsWith(".git") || rel.equals(ArchiveCommands.INDEX_FILE)) {
          continue;
        }
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        if (Files.isDirectory(p)) {
          try (Stream<Path> c = Files.list(p)) {
            if (c.findAny().isEmpty()) {
              out.put("dir:" + rel, mode + " " + Files.getLastModifiedTime(p).toMillis());
            }
          }
        } else {
          out.put(rel, Hashing.sha256(p) + " " + mode + " "
              + Files.getLastModifiedTime(p).toMillis());
        }
      }
    }
    return out;
  }

  private Path workingFolder() throws Exception {
    Path w = tmp.resolve("work");
    write(w, "README.md", "# project\n");
    Path script = write(w, "bin/run.sh", "#!/bin/sh\necho run\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
    Path secret = write(w, "conf/secret.env", "TOKEN=x\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    randomFile(w.resolve("data/blob.bin"), 1_500_000, 4);
    Path ro = write(w, "data/frozen.txt", "frozen");
    write(w, ".git/config", "[core]");
    Files.createDirectories(w.resolve("empty"));
    Files.createDirectories(w.resolve("nested/deeper/leaf"));
    Instant t = Instant.parse("2021-03-04T05:06:07.123Z");
    try (Stream<Path> s = Files.walk(w)) {
      for (Path p : s.toList()) {
        Files.setLastModifiedTime(p, FileTime.from(t));
        t = t.plusSeconds(3600);
      }
    }
    Files.setPosixFilePermissions(w.resolve("nested/deeper/leaf"),
        PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r--r--r--"));
    return w;
  }

  @Test
  @DisplayName("archive, archives, restore by manifest digest into a fresh folder: bytes, "
      + "modes, mtimes and empty folders match; a second archive stores no new bytes")
  void archiveAndRestore() throws Exception {
    startServer();
    Path w = workingFolder();
    Map<String, String> original = tree(w);
    JsonObject a = ok("archive", w.toString(), "--note", "milestone 1", "--json").json();
    assertEquals("release-evidence", a.getString("retention_class"));
    assertEquals(5, a.getInteger("file_count"));
    List<String> index = Files.readAllLines(w.resolve(ArchiveCommands.INDEX_FILE));
    assertEquals(1, index.size());
    JsonObject rec = new JsonObject(index.get(0));
    for (String k : List.of("package_id", "manifest_digest", "retention_class", "created_at",
        "included_paths", "file_count", "note", "producer", "subject")) {
      assertTrue(rec.containsKey(k), k);
    }
    assertEquals("milestone 1", rec.getString("note"));
    JsonObject p = pkg(rec.getString("package_id"));
    assertFalse(paths(p).stream().anyMatch(x -> x.startsWith(".git")), paths(p).toString());
    assertTrue(p.getJsonObject("metadata").getJsonObject("archive").containsKey("tree"));

    JsonObject stats = http.get("/v1/stats").json();
    long ingested = ingestBytes();
    JsonObject second = ok("archive", w.toString(), "--note", "milestone 2", "--json").json();
    assertEquals(0, second.getLong("bytes_sent"));
    assertEquals(stats.getLong("stored_bytes"), http.get("/v1/stats").json()
        .getLong("stored_bytes"), "a second archive of the same content stores no new bytes");
    assertEquals(ingested, ingestBytes());
    assertEquals(2, Files.readAllLines(w.resolve(ArchiveCommands.INDEX_FILE)).size());
    assertFalse(paths(pkg(second.getString("package_id"))).contains(
        ArchiveCommands.INDEX_FILE), "the index is never archived");

    http.postJson("/v1/packages/" + rec.getString("package_id") + "/holds",
        "{\"reason\":\"audit\"}");
    JsonObject listed = ok("archives", w.toString(), "--json").json();
    assertTrue(listed.getBoolean("server_reachable"));
    JsonArray arch = listed.getJsonArray("archives");
    assertEquals(2, arch.size());
    assertEquals(1, arch.getJsonObject(0).getJsonObject("current").getJsonArray("holds").size());
    assertNotNull(arch.getJsonObject(0).getJsonObject("current").getString("expires_at"));
    Run table = ok("archives", w.toString());
    assertTrue(table.out().contains("milestone 2") && table.out().contains("EXPIRES"),
        table.out());
    Run offline = raw("archives", w.toString(), "--server", "http://127.0.0.1:1");
    assertEquals(0, offline.code());
    assertTrue(offline.out().contains("server not reachable"), offline.out());
    assertTrue(offline.out().contains("milestone 1"), offline.out());

    Path target = tmp.resolve("restored");
    ok("restore", rec.getString("manifest_digest"), "--target", target.toString());
    assertEquals(original, tree(target));
    assertTrue(Files.isDirectory(target.resolve("nested/deeper/leaf")));
    assertFalse(Files.exists(target.resolve(".git")));
    assertFalse(Files.exists(target.resolve(ArchiveCommands.INDEX_FILE)));
    try (Stream<Path> s = Files.list(target)) {
      assertFalse(s.anyMatch(x -> x.getFileName().toString().endsWith(".part")));
    }

    Run refused = cli("restore", rec.getString("package_id"), "--target", target.toString());
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("not empty"), refused.err());
    Files.writeString(target.resolve("README.md"), "changed");
    ok("restore", rec.getString("package_id"), "--target", target.toString(), "--force");
    assertEquals(original, tree(target));
    Run unknown = cli("restore", "sha256:" + "0".repeat(64), "--target",
        tmp.resolve("none").toString());
    assertEquals(4, unknown.code(), unknown.err());
  }

  @Test
  @DisplayName("a tree too big for the metadata goes into the package as a file; restore "
      + "reads it")
  void treeAsFile() throws Exception {
    startServer(json -> json.getJsonObject("limits").put("max_metadata_bytes", 2048));
    Path w = tmp.resolve("many");
    for (int i = 0; i < 60; i++) {
      write(w, "d" + (i % 5) + "/file-" + i + ".txt", "content " + (i % 7));
    }
    Files.createDirectories(w.resolve("vacant"));
    Files.setPosixFilePermissions(w.resolve("d1/file-1.txt"),
        PosixFilePermissions.fromString("rwxrwxr-x"));
    Files.setLastModifiedTime(w.resolve("d2/file-2.txt"),
        FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    Map<String, String> original = tree(w);
    JsonObject a = ok("archive", w.toString(), "--json").json();
    JsonObject p = pkg(a.getString("package_id"));
    JsonObject arch = p.getJsonObject("metadata").getJsonObject("archive");
    assertNull(arch.getValue("tree"));
    assertEquals(ArchiveCommands.TREE_FILE, arch.getString("tree_file"));
    assertTrue(paths(p).contains(ArchiveCommands.TREE_FILE));
    Path target = tmp.resolve("back");
    ok("restore", a.getString("package_id"), "--target", target.toString());
    assertEquals(original, tree(target));
    assertFalse(Files.exists(target.resolve(".artifact-store")));
  }

  @Test
  @DisplayName("get makes the output file the current content: a stale file is replaced, a "
      + "complete one only checked; a digest mismatch is exit 1 and leaves the file as it was")
  void getReplacesAndChecks() throws Exception {
    startServer();
    Path dir = tmp.resolve("src");
    Path f = randomFile(dir.resolve("big.bin"), 3 * 1024 * 1024, 5);
    String id = ok("push", dir.toString(), "--producer", "p", "--json").json().getString("id");
    byte[] all = Files.readAllBytes(f);

    Path out = tmp.resolve("big.out.bin");
    Files.write(out, java.util.Arrays.copyOf(all, 1024 * 1024));
    JsonObject r = ok("get", id, "big.bin", "-o", out.toString(), "--json").json();
    assertEquals(0, r.getLong("resumed_from"), "a file without a recorded ETag is not trusted");
    assertEquals(3 * 1024 * 1024, r.getLong("bytes_received"));
    assertArrayEquals(all, Files.readAllBytes(out));

    JsonObject again = ok("get", id, "big.bin", "-o", out.toString(), "--json").json();
    assertEquals(0, again.getLong("bytes_received"), "a complete file is only checked");
    assertTrue(again.getBoolean("already_complete"));

    String hex = Hashing.sha256(f);
    Path blob = tmp.resolve("server/blobs/sha256/" + hex.substring(0, 2) + "/"
        + hex.substring(2, 4) + "/" + hex);
    blob.toFile().setWritable(true);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[500] ^= 0x40;
    Files.write(blob, bytes);
    Path kept = tmp.resolve("kept.bin");
    Files.writeString(kept, "older content");
    Run mismatch = cli("get", id, "big.bin", "-o", kept.toString());
    assertEquals(1, mismatch.code());
    assertTrue(mismatch.err().contains("mismatch"), mismatch.err());
    assertEquals("older content", Files.readString(kept), "the destination is left as it was");
    assertFalse(Files.exists(tmp.resolve("kept.bin.part")), "the bad download is removed");
    bytes[500] ^= 0x40;
    Files.write(blob, bytes);

    Path pulled = tmp.resolve("pulled");
    Files.createDirectories(pulled);
    Files.write(pulled.resolve("big.bin"), java.util.Arrays.copyOf(all, 4096));
    JsonObject pull = ok("pull", id, pulled.toString(), "--json").json();
    assertEquals(1, pull.getInteger("fetched"));
    assertArrayEquals(all, Files.readAllBytes(pulled.resolve("big.bin")));
    assertEquals(1, ok("pull", id, pulled.toString(), "--json").json().getInteger("skipped"));
  }

  @Test
  @DisplayName("verify passes on an intact package and reports a corrupted stored object")
  void verifyDetectsCorruption() throws Exception {
    startServer();
    Path dir = tmp.resolve("v");
    write(dir, "ok.txt", "fine content");
    Path f = randomFile(dir.resolve("data.bin"), 100_000, 6);
    String id = ok("push", dir.toString(), "--producer", "p", "--json").json().getString("id");
    Run good = ok("verify", id);
    assertTrue(good.out().contains("OK " + id), good.out());

    String hex = Hashing.sha256(f);
    Path blob = tmp.resolve("server/blobs/sha256/" + hex.substring(0, 2) + "/"
        + hex.substring(2, 4) + "/" + hex);
    assertTrue(Files.exists(blob), blob.toString());
    blob.toFile().setWritable(true);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[500] ^= 0x40;
    Files.write(blob, bytes);

    Run bad = cli("verify", id);
    assertEquals(1, bad.code(), bad.out() + bad.err());
    assertTrue(bad.out().contains("MISMATCH data.bin"), bad.out());
    assertFalse(bad.out().contains("MISMATCH ok.txt"), bad.out());
    JsonObject j = cli("verify", id, "--json").json();
    assertFalse(j.getBoolean("ok"));
    assertEquals(1, j.getInteger("files_ok"));
  }

  @Test
  @DisplayName("ls, show, extend, hold and release wrap the API")
  void packageCommands() throws Exception {
    startServer();
    Path dir = tmp.resolve("p");
    write(dir, "x.txt", "x");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(ok("push", dir.toString(), "--producer", "lister", "--subject", "s" + i,
          "--retention-class", "transient", "--json").json().getString("id"));
    }
    JsonObject page = ok("ls", "--producer", "lister", "--limit", "2", "--json").json();
    assertEquals(2, page.getJsonArray("items").size());
    assertNotNull(page.getString("next_cursor"));
    JsonObject every = ok("ls", "--producer", "lister", "--limit", "2", "--all", "--json")
        .json();
    assertEquals(3, every.getJsonArray("items").size());
    assertTrue(ok("ls", "--subject", "s1").out().contains(ids.get(1)));

    String id = ids.get(0);
    assertTrue(ok("show", id).out().contains("x.txt"));
    JsonObject ext = ok("extend", id, "--class", "summary-evidence", "--reason", "review",
        "--json").json();
    assertEquals("summary-evidence", ext.getString("retention_class"));
    Run shorter = cli("extend", id, "--until", "2001-01-01T00:00:00Z");
    assertEquals(1, shorter.code());
    assertTrue(shorter.err().contains("retention_shortening_refused"), shorter.err());
    String hold = ok("hold", id, "--reason", "case", "--reference", "CASE-1").out().trim();
    assertEquals(1, http.get("/v1/packages/" + id + "/retention").json().getJsonArray("holds")
        .size());
    ok("release", id, hold, "--reason", "closed");
    assertEquals(0, http.get("/v1/packages/" + id + "/retention").json().getJsonArray("holds")
        .size());
    Run twice = cli("release", id, hold, "--reason", "again");
    assertEquals(1, twice.code());
    assertTrue(twice.err().contains("hold_already_released"), twice.err());
    assertEquals(4, cli("release", id, "01900000-0000-7000-8000-000000000000", "--reason", "x")
        .code());
  }

  @Test
  @DisplayName("exit codes: 2 usage, 3 unreachable, 4 not found, 1 refused by the server")
  void exitCodes() throws Exception {
    startServer();
    Path dir = tmp.resolve("e");
    write(dir, "a.txt", "a");
    assertEquals(2, cli("push", dir.toString()).code(), "--producer is required");
    assertEquals(2, cli("extend", "x").code(), "--until or --class is required");
    assertEquals(2, cli("extend", "x", "--until", "t", "--class", "c").code());
    assertEquals(2, cli("push", tmp.resolve("nope").toString(), "--producer", "p").code());
    assertEquals(2, cli("push", dir.toString(), "--producer", "p", "--meta-file",
        tmp.resolve("missing.json").toString()).code());
    assertEquals(2, raw("ls", "--server", "ftp://x").code());
    Run down = raw("ls", "--server", "http://127.0.0.1:1");
    assertEquals(3, down.code());
    assertTrue(down.err().contains("cannot reach"), down.err());
    Run missing = cli("show", "01900000-0000-7000-8000-000000000000");
    assertEquals(4, missing.code(), missing.err());
    assertEquals(4, cli("get", "01900000-0000-7000-8000-000000000000", "a.txt", "-o",
        tmp.resolve("o").toString()).code());
    Run badClass = cli("push", dir.toString(), "--producer", "p", "--retention-class",
        "no-such-class");
    assertEquals(1, badClass.code());
    assertTrue(badClass.err().contains("unknown_retention_class"), badClass.err());
    assertNotEquals(0, cli("verify", "01900000-0000-7000-8000-000000000000").code());
  }

  @Test
  @DisplayName("--token and --token-file authenticate the push; the verified token is the actor "
      + "and --actor is recorded beside it; 401 and 403 exit with their codes")
  void tokenAndActor() throws Exception {
    startServer(json -> json.getJsonObject("security").put("anonymous", "none"));
    Path dir = tmp.resolve("t");
    write(dir, "a.txt", "a");
    // Large enough for push to ask GET /v1/blobs, which a producer token may not (403).
    randomFile(dir.resolve("big.bin"), (int) Uploader.STREAM_AT_ONCE_FROM + 1, 9);
    // The first admin token comes from the offline bootstrap against the server's database.
    Path config = tmp.resolve("server.json");
    java.nio.file.Files.writeString(config, server.configJson().encode());
    Run boot = raw("token", "create", "--bootstrap", "--config", config.toString(),
        "--name", "first-admin", "--role", "admin");
    assertEquals(0, boot.code(), boot.err());
    String admin = boot.out().trim();
    assertTrue(admin.startsWith("arst_"), admin);
    Run created = ok("token", "create", "--token", admin, "--name", "ci", "--role", "producer",
        "--producer", "p*", "--json");
    String secret = created.json().getString("token");
    String tokenId = created.json().getString("id");

    String id = ok("push", dir.toString(), "--producer", "p", "--actor", "alice@example.org",
        "--token", secret, "--json").json().getString("id");
    JsonObject shown = http.get("/v1/packages/" + id, "Authorization", "Bearer " + admin).json();
    assertEquals("token:ci/" + tokenId, shown.getString("created_by"));
    JsonObject first = http.get("/v1/packages/" + id + "/events",
        "Authorization", "Bearer " + admin).json().getJsonArray("items").getJsonObject(0);
    assertEquals("alice@example.org", first.getJsonObject("payload").getString("claimed_actor"));

    Path tokenFile = tmp.resolve("token");
    java.nio.file.Files.writeString(tokenFile, secret + "\n");
    ok("push", dir.toString(), "--producer", "p2", "--token-file", tokenFile.toString());
    Run outOfScope = cli("push", dir.toString(), "--producer", "other", "--token-file",
        tokenFile.toString());
    assertEquals(ExitCodes.FORBIDDEN, outOfScope.code(), outOfScope.err());
    assertTrue(outOfScope.err().contains("producer_not_in_scope"), outOfScope.err());
    Run anonymous = cli("ls");
    assertEquals(ExitCodes.UNAUTHENTICATED, anonymous.code(), anonymous.err());
    ok("token", "revoke", tokenId, "--token", admin, "--reason", "rotated");
    Run revoked = cli("push", dir.toString(), "--producer", "p", "--token", secret);
    assertEquals(ExitCodes.UNAUTHENTICATED, revoked.code(), revoked.err());
    // The secret is printed only by the command that created it.
    for (Run r : List.of(outOfScope, anonymous, revoked)) {
      assertFalse((r.out() + r.err()).contains(secret), "the secret was printed");
    }
  }
}
