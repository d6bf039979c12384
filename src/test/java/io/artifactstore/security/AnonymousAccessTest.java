package io.artifactstore.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import io.artifactstore.config.AppConfig;
import io.artifactstore.config.ConfigException;
import io.artifactstore.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** security.anonymous: every role on loopback, refusal elsewhere unless set, as configured. */
class AnonymousAccessTest {

  private static AppConfig config(String host, String anonymous) {
    return config(host, anonymous, "auto");
  }

  private static AppConfig config(String host, String anonymous, String allowedHosts) {
    JsonObject json = ConfigLoader.merged(null, Map.of());
    json.getJsonObject("http").put("host", host);
    json.getJsonObject("security").put("anonymous", anonymous)
        .put("allowed_hosts", allowedHosts);
    return ConfigLoader.parse(json);
  }

  @Test
  @DisplayName("auto on a loopback address gives anonymous callers every role, and says why")
  void autoOnLoopback() {
    for (String host : new String[] {"127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]",
        "0:0:0:0:0:0:0:1"}) {
      AnonymousAccess a = AnonymousAccess.resolve(config(host, "auto"));
      assertEquals(EnumSet.allOf(Role.class), a.roles(), host);
      assertTrue(a.reason().contains("loopback"), a.reason());
    }
  }

  @Test
  @DisplayName("auto on any other address refuses to start and names the key to set")
  void autoElsewhereRefused() {
    for (String host : new String[] {"0.0.0.0", "::", "192.0.2.10", "store.example"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> AnonymousAccess.resolve(config(host, "auto")), host);
      assertTrue(e.getMessage().contains("security.anonymous"), e.getMessage());
      assertTrue(e.getMessage().contains("token create --bootstrap"), e.getMessage());
    }
  }

  @Test
  @DisplayName("none and explicit roles hold on any address; a bad value names the roles")
  void explicit() {
    assertEquals(Set.of(), AnonymousAccess.resolve(config("0.0.0.0", "none")).roles());
    assertEquals(Set.of(Role.READER),
        AnonymousAccess.resolve(config("0.0.0.0", "reader", "store.example")).roles());
    assertEquals(Set.of(Role.READER, Role.RETENTION_ADMIN),
        AnonymousAccess.resolve(config("0.0.0.0", "retention-admin", "*")).roles());
    // Roles for anonymous callers beyond loopback with any Host accepted: DNS rebinding.
    ConfigException rebinding = assertThrows(ConfigException.class,
        () -> AnonymousAccess.resolve(config("0.0.0.0", "reader")));
    assertTrue(rebinding.getMessage().startsWith("security.allowed_hosts"),
        rebinding.getMessage());
    ConfigException e = assertThrows(ConfigException.class,
        () -> AnonymousAccess.resolve(config("127.0.0.1", "writer")));
    assertTrue(e.getMessage().contains("reader, producer, retention-admin, admin"),
        e.getMessage());
  }

  @Test
  @DisplayName("serve bound beyond loopback without authentication exits 2 before listening")
  void serveRefuses(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("c.json");
    Files.writeString(config, new JsonObject()
        .put("http", new JsonObject().put("host", "0.0.0.0").put("port", 0))
        .put("database", new JsonObject().put("url", "sqlite:" + dir.resolve("db")))
        .encode());
    StringWriter err = new StringWriter();
    picocli.CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute("serve", "--config", config.toString());
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("security.anonymous"), err.toString());
    assertFalse(Files.exists(dir.resolve("db")), "nothing started: no database was created");
  }
}
