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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** A folder with an infospace.yaml at its root is archived with the infospace contract. */
class InfospaceArchiveTest {

  private static final List<String> DEFAULT_SET = List.of("/infospace.yaml", "/artifacts/",
      "/workflows/", "/output/", "/reports/", "/exports/");

  @TempDir
  Path tmp;

  private TestServer server;
  private Http http;
  private String url;
  private Path space;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(TestDatabases.Kind.SQLITE, tmp.resolve("server"));
    url = server.baseUrl();
    http = new Http(url);
    space = tmp.resolve("space");
    write(space, "infospace.yaml", "name: assessment-2024\n");
    write(space, "artifacts/scan.json", "{}");
    write(space, "workflows/run.yaml", "steps: []\n");
    write(space, "output/result.csv", "a,b\n");
    write(space, "reports/summary.md", "# summary\n");
    write(space, "exports/bundle.txt", "bundle");
    write(space, "notes.md", "not in the default set");
    write(space, "scratch/artifacts/tmp.bin", "an artifacts/ folder below the root");
    write(space, ".git/config", "[core]");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private List<String> packagePaths(String id) {
    return http.get("/v1/packages/" + id).json().getJsonArray("files").stream()
        .map(f -> ((JsonObject) f).getString("path")).toList();
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> index() throws Exception {
    return (List<Map<String, Object>>) new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(space.resolve("output/archives/index.yaml")));
  }

  @Test
  @DisplayName("no --include: the default set is archived, the YAML index at "
      + "output/archives/index.yaml gets one record per archive and is never archived; "
      + "archives and restore read it")
  void infospaceContract() throws Exception {
    List<String> original = ArchiveTreeTest.stat(space);
    JsonObject a = ok("archive", space.toString(), "--note", "scoping done", "--json",
        "--server", url).json();
    assertEquals(List.of("artifacts/scan.json", "exports/bundle.txt", "infospace.yaml",
        "output/result.csv", "reports/summary.md", "workflows/run.yaml"),
        packagePaths(a.getString("package_id")));
    assertEquals(new JsonArray(DEFAULT_SET), a.getJsonArray("included_paths"));
    assertFalse(Files.exists(space.resolve(ArchiveIndex.FILE)), "no JSON-lines index here");
    List<Map<String, Object>> idx = index();
    assertEquals(1, idx.size());
    assertEquals(List.of("package_id", "manifest_digest", "retention_class", "created_at",
        "included_paths", "file_count", "note", "producer", "subject"),
        List.copyOf(idx.get(0).keySet()));
    assertEquals(a.getString("package_id"), idx.get(0).get("package_id"));
    assertEquals(a.getString("manifest_digest"), idx.get(0).get("manifest_digest"));
    assertEquals(a.getString("created_at"), idx.get(0).get("created_at"));
    assertEquals(DEFAULT_SET, idx.get(0).get("included_paths"));
    assertEquals(6, idx.get(0).get("file_count"));
    assertEquals("scoping done", idx.get(0).get("note"));
    assertEquals("space", idx.get(0).get("subject"));

    JsonObject b = ok("archive", space.toString(), "--note", "report sent", "--json",
        "--server", url).json();
    assertEquals(2, index().size());
    assertFalse(packagePaths(b.getString("package_id")).contains("output/archives/index.yaml"),
        "the index is never archived");

    JsonObject listed = ok("archives", space.toString(), "--json", "--server", url).json();
    assertEquals(space.resolve("output/archives/index.yaml").toString(),
        listed.getString("index"));
    JsonArray archives = listed.getJsonArray("archives");
    assertEquals(2, archives.size());
    assertEquals("report sent", archives.getJsonObject(1).getString("note"));
    assertEquals("finalized", archives.getJsonObject(0).getJsonObject("current")
        .getString("status"));

    Path target = tmp.resolve("restored");
    CliRunner.Run restored = ok("restore", a.getString("manifest_digest"), "--from",
        space.toString(), "--target", target.toString(), "--server", url);
    assertTrue(restored.out().contains("scoping done"), restored.out());
    List<String> expected = original.stream().filter(row -> DEFAULT_SET.stream()
        .anyMatch(p -> row.startsWith(p.substring(1).replace("/", "") + "|")
            || row.startsWith(p.substring(1))))
        .toList();
    assertEquals(expected, ArchiveTreeTest.stat(target));
  }

  @Test
  @DisplayName("restore --from refuses a package whose manifest digest differs from the one "
      + "the index recorded; an --include overrides the default set")
  void indexPinsTheDigest() throws Exception {
    JsonObject a = ok("archive", space.toString(), "--json", "--server", url).json();
    String text = Files.readString(space.resolve("output/archives/index.yaml"));
    Files.writeString(space.resolve("output/archives/index.yaml"),
        text.replace(a.getString("manifest_digest"), "sha256:" + "0".repeat(64)));
    CliRunner.Run r = run("restore", a.getString("package_id"), "--from", space.toString(),
        "--target", tmp.resolve("t").toString(), "--server", url);
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("the index records the manifest digest"), r.err());
    assertFalse(Files.exists(tmp.resolve("t")));

    JsonObject only = ok("archive", space.toString(), "--include", "notes.md", "--json",
        "--server", url).json();
    assertEquals(List.of("notes.md"), packagePaths(only.getString("package_id")));
    assertEquals(2, index().size());
  }
}
