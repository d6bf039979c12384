package io.artifactstore.cli.client;

import static io.artifactstore.cli.client.CliRunner.ok;
import static io.artifactstore.cli.client.CliRunner.randomBytes;
import static io.artifactstore.cli.client.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.cli.client.CliRunner.Run;
import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code get} and {@code pull} resume only the version whose first bytes are on disk. Transfers
 * are cut by a proxy after an exact number of bytes; files are replaced through the real API.
 */
class ResumeDownloadTest {

  private static final int CUT = 200_000;

  @TempDir
  Path tmp;

  private TestServer server;
  private FaultProxy proxy;
  private Http http;
  private String id;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(TestDatabases.Kind.SQLITE, tmp.resolve("server"));
    proxy = new FaultProxy(server.port());
    http = new Http(server.baseUrl());
    id = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
        .getString("id");
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    server.close();
  }

  private void upload(String path, byte[] content, boolean replace) {
    int status = http.put("/v1/packages/" + id + "/files/" + path + (replace ? "?replace=true"
        : ""), content).status();
    assertEquals(201, status);
  }

  private Run get(String path, Path out, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("get", id, path, "-o", out.toString(),
        "--json", "--server", proxy.baseUrl()));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  private static Path part(Path out) {
    return out.resolveSibling(out.getFileName() + ".part");
  }

  /**
   * The length of the part a cut download left: at most {@link #CUT} (what the proxy sent) and
   * more than nothing. It can be less than what was sent: the JDK client may report the broken
   * connection before it hands over the last bytes it received.
   */
  private static int partLength(Path out) throws java.io.IOException {
    long n = Files.size(part(out));
    assertTrue(n > 0 && n <= CUT, "part of " + n + " bytes");
    return (int) n;
  }

  private static Path etag(Path out) {
    return out.resolveSibling(out.getFileName() + ".part.etag");
  }

  @Test
  @DisplayName("get cut after 200,000 bytes, file replaced by v2, get again: the file is v2, "
      + "exit 0; If-Range carried v1's recorded ETag and no HEAD was sent")
  void replacedFileRestarts() throws Exception {
    byte[] v1 = randomBytes(1_000_000, 1);
    byte[] v2 = randomBytes(1_200_000, 2);
    upload("data.bin", v1, false);
    Path out = tmp.resolve("data.bin");
    proxy.cutResponse("GET", "/files/data.bin", 1, CUT);
    Run cut = get("data.bin", out, "--retries", "0");
    assertEquals(1, cut.code(), cut.err());
    int kept = partLength(out);
    assertTrue(cut.err().contains("broke off after " + kept + " bytes"), cut.err());
    assertFalse(Files.exists(out), "the destination appears only when complete");
    assertArrayEquals(Arrays.copyOf(v1, kept), Files.readAllBytes(part(out)));
    String v1Etag = "\"" + Hashing.sha256(v1) + "\"";
    assertEquals(v1Etag, Files.readString(etag(out)).trim());

    upload("data.bin", v2, true);
    JsonObject again = ok("get", id, "data.bin", "-o", out.toString(), "--json", "--server",
        proxy.baseUrl()).json();
    assertArrayEquals(v2, Files.readAllBytes(out));
    assertEquals(0, again.getLong("resumed_from"));
    assertTrue(again.getBoolean("restarted"));
    assertEquals(Hashing.sha256(v2), again.getString("sha256"));
    assertFalse(Files.exists(part(out)) || Files.exists(etag(out)));
    String resumeHead = proxy.heads().get(proxy.heads().size() - 1);
    assertTrue(resumeHead.contains("If-Range: " + v1Etag), resumeHead);
    assertTrue(resumeHead.contains("Range: bytes=" + kept + "-"), resumeHead);
    assertEquals(0, proxy.count("HEAD", "/files/"), proxy.seen().toString());

    JsonObject later = ok("get", id, "data.bin", "-o", out.toString(), "--json", "--server",
        proxy.baseUrl()).json();
    assertTrue(later.getBoolean("already_complete"));
    assertEquals(0, later.getLong("bytes_received"));
    assertArrayEquals(v2, Files.readAllBytes(out));
  }

  @Test
  @DisplayName("get cut, file unchanged, get again: resumes at byte 200,000 with a 206")
  void unchangedFileResumes() throws Exception {
    byte[] v1 = randomBytes(1_000_000, 3);
    upload("data.bin", v1, false);
    Path out = tmp.resolve("data.bin");
    proxy.cutResponse("GET", "/files/data.bin", 1, CUT);
    assertEquals(1, get("data.bin", out, "--retries", "0").code());
    int kept = partLength(out);
    JsonObject r = ok("get", id, "data.bin", "-o", out.toString(), "--json", "--server",
        proxy.baseUrl()).json();
    assertEquals(kept, r.getLong("resumed_from"));
    assertEquals(v1.length - kept, r.getLong("bytes_received"));
    assertFalse(r.getBoolean("restarted"));
    assertArrayEquals(v1, Files.readAllBytes(out));
  }

  @Test
  @DisplayName("a part that holds the whole file already (its resume is answered 416) is "
      + "checked against its ETag and completed without a byte downloaded; one with a byte "
      + "changed is restarted")
  void wholePartCompleted() throws Exception {
    byte[] v1 = randomBytes(300_000, 12);
    upload("data.bin", v1, false);
    String tag = "\"" + Hashing.sha256(v1) + "\"\n";
    Path out = tmp.resolve("data.bin");
    Files.write(part(out), v1);
    Files.writeString(etag(out), tag);
    JsonObject r = ok("get", id, "data.bin", "-o", out.toString(), "--json", "--server",
        proxy.baseUrl()).json();
    assertEquals(v1.length, r.getLong("resumed_from"));
    assertEquals(0, r.getLong("bytes_received"));
    assertFalse(r.getBoolean("restarted"));
    assertArrayEquals(v1, Files.readAllBytes(out));
    assertFalse(Files.exists(part(out)) || Files.exists(etag(out)));
    assertEquals(1, proxy.count("GET", "/files/data.bin"), "only the resume was asked");

    Path other = tmp.resolve("other.bin");
    byte[] bad = v1.clone();
    bad[100] ^= 1;
    Files.write(part(other), bad);
    Files.writeString(etag(other), tag);
    JsonObject again = ok("get", id, "data.bin", "-o", other.toString(), "--json", "--server",
        proxy.baseUrl()).json();
    assertTrue(again.getBoolean("restarted"));
    assertEquals(0, again.getLong("resumed_from"));
    assertEquals(v1.length, again.getLong("bytes_received"));
    assertArrayEquals(v1, Files.readAllBytes(other));
  }

  @Test
  @DisplayName("a transfer that breaks off is resumed by the same get (a retry), exit 0")
  void resumedWithinOneRun() throws Exception {
    byte[] v1 = randomBytes(700_000, 4);
    upload("data.bin", v1, false);
    Path out = tmp.resolve("data.bin");
    proxy.cutResponse("GET", "/files/data.bin", 1, CUT);
    Run r = get("data.bin", out);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("retry 1 of 3"), r.err());
    long resumed = r.json().getLong("resumed_from");
    assertTrue(resumed > 0 && resumed <= CUT, "resumed from " + resumed);
    assertArrayEquals(v1, Files.readAllBytes(out));
  }

  @Test
  @DisplayName("a partial file left by an older client (no recorded ETag) is restarted, not "
      + "trusted: exit 0, the current content")
  void olderPartialRestarted() throws Exception {
    byte[] v1 = randomBytes(500_000, 5);
    upload("data.bin", v1, false);
    Path out = tmp.resolve("data.bin");
    byte[] stale = Arrays.copyOf(v1, 1000);
    stale[10] ^= 1;
    Files.write(out, stale);
    JsonObject r = ok("get", id, "data.bin", "-o", out.toString(), "--json", "--server",
        proxy.baseUrl()).json();
    assertEquals(0, r.getLong("resumed_from"));
    assertArrayEquals(v1, Files.readAllBytes(out));

    Path other = tmp.resolve("other.bin");
    Files.write(part(other), Arrays.copyOf(v1, 4096));
    JsonObject p = ok("get", id, "data.bin", "-o", other.toString(), "--json", "--server",
        proxy.baseUrl()).json();
    assertEquals(0, p.getLong("resumed_from"));
    assertTrue(p.getBoolean("restarted"));
    assertArrayEquals(v1, Files.readAllBytes(other));
  }

  @Test
  @DisplayName("pull cut in its second file, that file replaced, pull again: every file is "
      + "current, exit 0")
  void pullRestartsChangedFile() throws Exception {
    byte[] a = randomBytes(300_000, 6);
    byte[] b1 = randomBytes(600_000, 7);
    byte[] b2 = randomBytes(650_000, 8);
    upload("a.bin", a, false);
    upload("dir/b.bin", b1, false);
    Path dir = tmp.resolve("pulled");
    proxy.cutResponse("GET", "/files/dir/b.bin", 1, CUT);
    Run cut = run("pull", id, dir.toString(), "--retries", "0", "--server", proxy.baseUrl());
    assertEquals(1, cut.code(), cut.err());
    partLength(dir.resolve("dir/b.bin"));
    upload("dir/b.bin", b2, true);
    JsonObject r = ok("pull", id, dir.toString(), "--json", "--server", proxy.baseUrl())
        .json();
    assertEquals(1, r.getInteger("skipped"));
    assertEquals(1, r.getInteger("fetched"));
    assertArrayEquals(a, Files.readAllBytes(dir.resolve("a.bin")));
    assertArrayEquals(b2, Files.readAllBytes(dir.resolve("dir/b.bin")));
    assertFalse(Files.exists(part(dir.resolve("dir/b.bin"))));
  }
}
