package io.artifactstore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.Main;
import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandsTest {

  @TempDir
  Path dir;

  private record Run(int code, String err) {}

  private Run run(String... args) {
    CommandLine cli = Main.commandLine(args);
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, err.toString());
  }

  @Test
  @DisplayName("a command named first is the only one built; no command, an option first or an "
      + "unknown word get them all (help, suggestions)")
  void onlyTheNamedCommandIsBuilt() {
    assertEquals(java.util.Set.of("push"),
        Main.commandLine(new String[] {"push", "dir"}).getSubcommands().keySet());
    assertEquals(java.util.Set.of("token"),
        Main.commandLine(new String[] {"token", "list"}).getSubcommands().keySet());
    int all = Main.commandLine().getSubcommands().size();
    assertTrue(all >= 20, "every command: " + all);
    for (String[] args : new String[][] {{}, {"--help"}, {"pusj"}, {"--version", "push"}}) {
      assertEquals(all, Main.commandLine(args).getSubcommands().size(), String.join(" ", args));
    }
    Run misspelled = run("pusj");
    assertEquals(2, misspelled.code());
    assertTrue(misspelled.err().contains("Did you mean: artifact-store push"), misspelled.err());
    Run noDir = run("push");
    assertEquals(2, noDir.code());
    assertTrue(noDir.err().contains("Usage: artifact-store push"), noDir.err());
  }

  @Test
  @DisplayName("a bad configuration value stops serve with exit 2 and a message naming the key")
  void badConfigStopsServe() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"http\":{\"port\":\"eighty\"}}");
    Run r = run("serve", "--config", file.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("http.port"), r.err());
  }

  @Test
  @DisplayName("migrate creates the schema and exits 0; a bad key is exit 2 naming it")
  void migrate() throws Exception {
    Path db = dir.resolve("m.sqlite");
    Path file = dir.resolve("c.json");
    Files.writeString(file, "{\"database\":{\"url\":\"sqlite:" + db + "\"}}");
    assertEquals(0, run("migrate", "--config", file.toString()).code());
    assertTrue(Files.size(db) > 0);
    assertEquals(0, run("migrate", "--config", file.toString()).code(), "idempotent");

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"database\":{\"url\":\"oracle:x\"}}");
    Run r = run("migrate", "--config", bad.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("database.url"), r.err());
  }

  /**
   * Runs a server on {@code <dir>/server.sqlite}, creates one package, stops it, and returns a
   * configuration file naming that database.
   */
  private Path serverDatabaseConfig() throws Exception {
    String url = "sqlite:" + dir.resolve("server.sqlite");
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir,
        json -> json.getJsonObject("database").put("url", url))) {
      Http http = new Http(server.baseUrl());
      assertEquals(201, http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}")
          .status());
    }
    Path file = dir.resolve("c.json");
    Files.writeString(file, "{\"database\":{\"url\":\"" + url + "\"}}");
    return file;
  }

  @Test
  @DisplayName("rebuild-views on a server's database replays its events and exits 0")
  void rebuildViews() throws Exception {
    Path file = serverDatabaseConfig();
    assertEquals(0, run("rebuild-views", "--config", file.toString()).code());
  }

  @Test
  @DisplayName("audit verify exits 0 on an intact log and 1 after an event is edited")
  void auditVerify() throws Exception {
    Path file = serverDatabaseConfig();
    assertEquals(0, run("audit", "verify", "--config", file.toString()).code());
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("server.sqlite"));
        var s = c.createStatement()) {
      s.executeUpdate("UPDATE events SET subject_id = 'forged' WHERE seq = 6");
    }
    assertEquals(1, run("audit", "verify", "--config", file.toString()).code());
  }

  @Test
  @DisplayName("no command is a usage error")
  void noCommand() {
    assertEquals(2, run().code());
  }
}
