package io.artifactstore.cli.client;

import static io.artifactstore.cli.client.CliRunner.ok;
import static io.artifactstore.cli.client.CliRunner.run;
import static io.artifactstore.cli.client.CliRunner.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** archive and restore keep every entry's type, mode, size, mtime and link target. */
class ArchiveTreeTest {

  @TempDir
  Path tmp;

  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private String start(Consumer<JsonObject> tweak) {
    server = TestServer.start(TestDatabases.Kind.SQLITE, tmp.resolve("server"), tweak);
    return server.baseUrl();
  }

  /**
   * {@code stat} of every entry under {@code root} as find(1) prints it: path, type, mode, size
   * (files and links only: a folder's size depends on its history), mtime, link target.
   */
  static List<String> stat(Path root) throws Exception {
    Process p = new ProcessBuilder("find", root.toString(), "-mindepth", "1",
        "-printf", "%P|%y|%m|%s|%T@|%l\\n").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    List<String> rows = new ArrayList<>();
    for (String line : out.split("\n")) {
      String[] f = line.split("\\|", -1);
      if (line.isEmpty() || f[0].startsWith(".git") || f[0].equals(ArchiveIndex.FILE)) {
        continue;
      }
      rows.add(String.join("|", f[0], f[1], f[2], f[1].equals("d") ? "-" : f[3], f[4], f[5]));
    }
    rows.sort(null);
    return rows;
  }

  private static void times(Path root) throws Exception {
    Instant t = Instant.parse("2021-03-04T05:06:07.123456789Z");
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) {
      all = s.filter(p -> !p.equals(root)).toList();
    }
    for (Path p : all) {
      Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.from(t), null, null);
      t = t.plusSeconds(3607).plusNanos(1001);
    }
  }

  /** Folders with their own modes (one read-only), files, empty folders, links of all kinds. */
  private Path workingFolder() throws Exception {
    Path w = tmp.resolve("work");
    write(w, "README.md", "# project\n");
    write(w, "bin/run.sh", "#!/bin/sh\necho run\n");
    write(w, "conf/secret.env", "TOKEN=x\n");
    write(w, "data/v1/blob.txt", "blob");
    write(w, "frozen/kept.txt", "frozen");
    write(w, ".git/config", "[core]");
    Files.createDirectories(w.resolve("empty"));
    Files.createDirectories(w.resolve("nested/deeper/leaf"));
    Files.createSymbolicLink(w.resolve("bin/run"), Path.of("run.sh"));
    Files.createSymbolicLink(w.resolve("current"), Path.of("data/v1"));
    Files.createSymbolicLink(w.resolve("nested/deeper/readme"), Path.of("../../README.md"));
    Files.createSymbolicLink(w.resolve("dangling"), Path.of("not-there"));
    Files.setPosixFilePermissions(w.resolve("bin/run.sh"),
        PosixFilePermissions.fromString("rwxr-x---"));
    Files.setPosixFilePermissions(w.resolve("conf/secret.env"),
        PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(w.resolve("conf"), PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(w.resolve("nested/deeper"),
        PosixFilePermissions.fromString("rwxr-x--x"));
    Files.setPosixFilePermissions(w.resolve("nested/deeper/leaf"),
        PosixFilePermissions.fromString("rwx------"));
    times(w);
    Files.setPosixFilePermissions(w.resolve("frozen"), PosixFilePermissions.fromString("r-xr-xr-x"));
    return w;
  }

  @Test
  @DisplayName("restore re-creates every entry: stat (type, mode, size, mtime, link target) of "
      + "the restored tree equals the original's, folders and links included")
  void statOfEveryEntry() throws Exception {
    String url = start(j -> { });
    Path w = workingFolder();
    List<String> original = stat(w);
    JsonObject a = ok("archive", w.toString(), "--json", "--server", url).json();
    assertEquals(5, a.getInteger("file_count"));
    assertEquals(4, a.getInteger("link_count"));
    JsonObject pkg = new Http(url).get("/v1/packages/" + a.getString("package_id")).json();
    List<String> paths = pkg.getJsonArray("files").stream()
        .map(f -> ((JsonObject) f).getString("path")).toList();
    assertEquals(List.of("README.md", "bin/run.sh", "conf/secret.env", "data/v1/blob.txt",
        "frozen/kept.txt"), paths, "links are not followed, not uploaded");
    JsonObject tree = pkg.getJsonObject("metadata").getJsonObject("archive")
        .getJsonObject("tree");
    assertEquals("data/v1", tree.getJsonObject("links").getJsonObject("current")
        .getString("target"));
    assertEquals("0555", tree.getJsonObject("dirs").getJsonObject("frozen").getString("mode"));

    Path target = tmp.resolve("restored");
    ok("restore", a.getString("manifest_digest"), "--target", target.toString(), "--server",
        url);
    assertEquals(original, stat(target));
    assertTrue(Files.isSymbolicLink(target.resolve("current")));
  }

  @Test
  @DisplayName("the same when the tree is stored as a file of the package")
  void statWithTreeFile() throws Exception {
    String url = start(j -> j.getJsonObject("limits").put("max_metadata_bytes", 1024));
    Path w = workingFolder();
    List<String> original = stat(w);
    JsonObject a = ok("archive", w.toString(), "--json", "--server", url).json();
    JsonObject arch = new Http(url).get("/v1/packages/" + a.getString("package_id")).json()
        .getJsonObject("metadata").getJsonObject("archive");
    assertEquals(ArchiveCommands.TREE_FILE, arch.getString("tree_file"));
    Path target = tmp.resolve("restored");
    ok("restore", a.getString("package_id"), "--target", target.toString(), "--server", url);
    assertEquals(original, stat(target));
  }

  @Test
  @DisplayName("restore --force over an earlier restore of an archive with links: exit 0, each "
      + "link replaced, not followed, and the tree as archived")
  void forceOverEarlierRestore() throws Exception {
    String url = start(j -> { });
    Path w = tmp.resolve("linked");
    write(w, "data/v1/blob.txt", "blob");
    write(w, "bin/run.sh", "#!/bin/sh\n");
    Files.createSymbolicLink(w.resolve("current"), Path.of("data/v1"));
    Files.createSymbolicLink(w.resolve("bin/run"), Path.of("run.sh"));
    Files.createSymbolicLink(w.resolve("dangling"), Path.of("not-there"));
    times(w);
    List<String> original = stat(w);
    String id = ok("archive", w.toString(), "--json", "--server", url).json()
        .getString("package_id");
    Path target = tmp.resolve("restored");
    ok("restore", id, "--target", target.toString(), "--server", url);
    CliRunner.Run again = run("restore", id, "--target", target.toString(), "--force",
        "--server", url);
    assertEquals(0, again.code(), again.err());
    assertEquals(original, stat(target));
    assertEquals("blob", Files.readString(target.resolve("data/v1/blob.txt")),
        "the folder a replaced link pointed to is untouched");
  }

  @Test
  @DisplayName("restore --force where the target holds a folder at a link's or a file's path, "
      + "or a file at a folder's path: exit 1 before anything is written or downloaded")
  void obstaclesRefusedBeforeWriting() throws Exception {
    String url = start(j -> { });
    Path w = tmp.resolve("obstacles");
    write(w, "README.md", "# project\n");
    write(w, "conf/app.env", "A=1\n");
    Files.createSymbolicLink(w.resolve("current"), Path.of("conf"));
    String id = ok("archive", w.toString(), "--json", "--server", url).json()
        .getString("package_id");
    for (String[] c : List.of(new String[] {"current/", "cannot restore the link 'current': "
        + "a folder is in its place"}, new String[] {"README.md/", "cannot restore "
        + "'README.md': a folder is in its place"}, new String[] {"conf", "cannot restore the "
        + "folder 'conf': a file is in its place"})) {
      Path target = tmp.resolve("t-" + c[0].replace("/", "") + "/target");
      Path obstacle = c[0].endsWith("/") ? Files.createDirectories(target.resolve(c[0]))
          : write(target, c[0], "mine");
      write(obstacle.getParent(), "mine.txt", "mine");
      List<String> before = stat(target);
      try (FaultProxy proxy = new FaultProxy(server.port())) {
        CliRunner.Run r = run("restore", id, "--target", target.toString(), "--force",
            "--server", proxy.baseUrl());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(c[1]), r.err());
        assertEquals(0, proxy.count("GET", "/files/"), proxy.seen().toString());
      }
      assertEquals(before, stat(target), "nothing written");
    }
  }

  @Test
  @DisplayName("a link that would point outside the target is refused before anything is "
      + "written: ../ above the root, an absolute path, or a way through another link")
  void linksOutsideRefused() throws Exception {
    String url = start(j -> { });
    for (String[] c : List.of(new String[] {"up", "../../etc/passwd"},
        new String[] {"abs", "/etc/passwd"}, new String[] {"x", "d/.."})) {
      Path w = tmp.resolve("w-" + c[0]);
      write(w, "a.txt", "a");
      Files.createSymbolicLink(w.resolve(c[1].equals("d/..") ? "d" : "ok"), Path.of("."));
      Files.createSymbolicLink(w.resolve(c[0]), Path.of(c[1]));
      String id = ok("archive", w.toString(), "--json", "--server", url).json()
          .getString("package_id");
      Path target = tmp.resolve("t-" + c[0]);
      CliRunner.Run r = run("restore", id, "--target", target.toString(), "--server", url);
      assertEquals(1, r.code(), r.err());
      assertTrue(r.err().contains("points outside the target"), r.err());
      assertFalse(Files.exists(target.resolve("a.txt")), "nothing was written");
    }
  }
}
