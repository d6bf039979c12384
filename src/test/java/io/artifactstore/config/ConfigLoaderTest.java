package io.artifactstore.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.storage.local.LocalBackendFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("the built-in defaults give the embedded setup on 127.0.0.1:8000")
  void defaults() {
    AppConfig c = ConfigLoader.load(null, Map.of());
    assertEquals("127.0.0.1", c.http().host());
    assertEquals(8000, c.http().port());
    assertEquals("sqlite:var/artifact-store.db", c.database().url());
    assertFalse(c.database().isPostgres());
    assertEquals("local", c.storage().defaultBackend());
    assertEquals("var/blobs", c.storage().backends().getJsonObject("local").getString("root"));
    assertEquals(Optional.empty(), c.retention().classes().get("permanent-record"));
    assertEquals(Optional.of(Duration.ofDays(7)), c.retention().classes().get("transient"));
    assertEquals(5, c.retention().classes().size());
  }

  @Test
  @DisplayName("a file overrides defaults and the environment overrides the file")
  void layering() throws IOException {
    Path file = dir.resolve("c.json");
    Files.writeString(file, "{\"http\":{\"port\":9001,\"host\":\"0.0.0.0\"},"
        + "\"database\":{\"url\":\"postgresql://u:p@db:5432/a\"}}");
    AppConfig c = ConfigLoader.load(file, Map.of("ARTIFACTSTORE_HTTP_PORT", "9002",
        "ARTIFACTSTORE_STORAGE_BACKENDS_LOCAL_ROOT", "/srv/blobs",
        "ARTIFACTSTORE_STORAGE_BACKENDS_LOCAL_SHARED_FILESYSTEM", "true",
        "ARTIFACTSTORE_RETENTION_CLASSES_RAW_EVIDENCE", "P30D"));
    assertEquals(9002, c.http().port());
    assertEquals("0.0.0.0", c.http().host());
    assertTrue(c.database().isPostgres());
    assertEquals("/srv/blobs", c.storage().backends().getJsonObject("local").getString("root"));
    assertEquals(true,
        c.storage().backends().getJsonObject("local").getValue("shared_filesystem"));
    assertEquals(Optional.of(Duration.ofDays(30)), c.retention().classes().get("raw-evidence"));
  }

  @Test
  @DisplayName("ARTIFACTSTORE_CONFIG names the file when no --config is given")
  void configFileFromEnvironment() throws IOException {
    Path file = dir.resolve("c.json");
    Files.writeString(file, "{\"http\":{\"port\":9100}}");
    AppConfig c = ConfigLoader.load(null, Map.of("ARTIFACTSTORE_CONFIG", file.toString()));
    assertEquals(9100, c.http().port());
  }

  @Test
  @DisplayName("a bad value stops loading with a message naming the key")
  void badValuesNameTheKey() throws IOException {
    assertKey("http.port", () -> ConfigLoader.load(null, Map.of("ARTIFACTSTORE_HTTP_PORT", "eighty")));
    assertKey("http.port", () -> ConfigLoader.load(null, Map.of("ARTIFACTSTORE_HTTP_PORT", "70000")));
    assertKey("database.url",
        () -> ConfigLoader.load(null, Map.of("ARTIFACTSTORE_DATABASE_URL", "mysql://x")));
    assertKey("storage.default_backend",
        () -> ConfigLoader.load(null, Map.of("ARTIFACTSTORE_STORAGE_DEFAULT_BACKEND", "s4")));
    assertKey("retention.classes.transient",
        () -> ConfigLoader.load(null, Map.of("ARTIFACTSTORE_RETENTION_CLASSES_TRANSIENT", "7 days")));
    assertKey("retention.default_class",
        () -> ConfigLoader.load(null, Map.of("ARTIFACTSTORE_RETENTION_DEFAULT_CLASS", "nope")));
    Path byClass = dir.resolve("byclass.json");
    Files.writeString(byClass, "{\"storage\":{\"backend_by_retention_class\":{\"transient\":\"s3\"}}}");
    assertKey("storage.backend_by_retention_class.transient",
        () -> ConfigLoader.load(byClass, Map.of()));
    Path byUnknownClass = dir.resolve("byunknown.json");
    Files.writeString(byUnknownClass,
        "{\"storage\":{\"backend_by_retention_class\":{\"weekly\":\"local\"}}}");
    assertKey("storage.backend_by_retention_class.weekly",
        () -> ConfigLoader.load(byUnknownClass, Map.of()));
    Path typo = dir.resolve("typo.json");
    Files.writeString(typo, "{\"http\":{\"prot\":1}}");
    assertKey("http.prot", () -> ConfigLoader.load(typo, Map.of()));
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"http\":");
    assertKey(ConfigKeys.ENV_CONFIG_FILE, () -> ConfigLoader.load(broken, Map.of()));
  }

  @Test
  @DisplayName("import roots are existing absolute directories (real paths); the bridge is off and loopback only")
  void importRoots() throws IOException {
    assertEquals(java.util.List.of(), ConfigLoader.load(null, Map.of()).integration().importRoots());
    Path root = Files.createDirectories(dir.resolve("imports"));
    Path link = Files.createSymbolicLink(dir.resolve("via-link"), root);
    AppConfig c = ConfigLoader.load(null, Map.of("ARTIFACTSTORE_INTEGRATION_IMPORT_ROOTS",
        link + ", " + root));
    assertEquals(java.util.List.of(root.toRealPath(), root.toRealPath()),
        c.integration().importRoots());
    String key = ConfigKeys.INTEGRATION_IMPORT_ROOTS;
    assertKey(key, () -> ConfigLoader.load(null,
        Map.of("ARTIFACTSTORE_INTEGRATION_IMPORT_ROOTS", "relative/dir")));
    assertKey(key, () -> ConfigLoader.load(null,
        Map.of("ARTIFACTSTORE_INTEGRATION_IMPORT_ROOTS", dir.resolve("missing").toString())));
    assertKey(ConfigKeys.INTEGRATION_BRIDGE_HOST, () -> ConfigLoader.load(null, Map.of(
        "ARTIFACTSTORE_INTEGRATION_BRIDGE_ENABLED", "true",
        "ARTIFACTSTORE_INTEGRATION_BRIDGE_HOST", "0.0.0.0")));
    assertEquals(java.util.Optional.empty(), ConfigLoader.load(null, Map.of()).integration()
        .bridge(), "the bridge is off by default");
    Path file = Files.writeString(dir.resolve("plain.txt"), "x");
    assertKey(key, () -> ConfigLoader.load(null,
        Map.of("ARTIFACTSTORE_INTEGRATION_IMPORT_ROOTS", file.toString())));
  }

  private static void assertKey(String key, Runnable load) {
    ConfigException e = assertThrows(ConfigException.class, load::run);
    assertEquals(key, e.key());
    assertTrue(e.getMessage().startsWith(key + ": "), e.getMessage());
  }

  @Test
  @DisplayName("docs/configuration.md documents every key, the local backend's options among them, and its environment variable")
  void everyKeyIsDocumented() throws Exception {
    String doc = Files.readString(Path.of("docs/configuration.md"));
    List<String> missing = new ArrayList<>();
    for (var field : ConfigKeys.class.getFields()) {
      if (field.getType() == String.class && !field.getName().startsWith("ENV_")) {
        String key = (String) field.get(null);
        if (!doc.contains("`" + key + "`")) {
          missing.add(key);
        }
        if (!key.equals(ConfigKeys.STORAGE_BACKENDS) && !key.equals(ConfigKeys.RETENTION_CLASSES)
            && !doc.contains(ConfigKeys.envName(key))) {
          missing.add(ConfigKeys.envName(key));
        }
      }
    }
    for (String option : LocalBackendFactory.OPTIONS) {
      String key = "storage.backends.<id>." + option;
      if (!doc.contains("`" + key + "`")) {
        missing.add(key);
      }
      String env = "ARTIFACTSTORE_STORAGE_BACKENDS_<ID>_" + option.toUpperCase(Locale.ROOT);
      if (!doc.contains(env)) {
        missing.add(env);
      }
    }
    assertTrue(doc.contains(ConfigKeys.ENV_CONFIG_FILE));
    assertEquals(List.of(), missing);
  }
}
